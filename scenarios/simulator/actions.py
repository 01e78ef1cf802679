"""The steps a story can take, each sent in as Slack would send it, each returning its line of narration.

A step that cannot run as written (no such modal, no such button, a value that is not a choice) raises
`Unmet` with what was wrong; the runner names the story and the step around it.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cocbot.handlers.slack.testing.fake_api import FakeSlack, flatten
from cocbot.scenarios.simulator.cast import Cast
from cocbot.scenarios.simulator.expectations import Unmet
from cocbot.scenarios.simulator.schema import (
    ClickStep, FailStep, HomeStep, Membership, ShortcutStep, SlashStep, Step, SubmitStep,
)
from cocbot.scenarios.simulator.records import ReportView
from cocbot.scenarios.simulator.transcript import short

if TYPE_CHECKING:
    from cocbot.scenarios.simulator.runner import ScenarioRunner


class Actions:
    def __init__(self, runner: ScenarioRunner) -> None:
        self.runner = runner
        self.cast = runner.cast
        self.fake = runner.fake
        self._ts = 100

    @property
    def harness(self) -> Any:
        assert self.runner.harness is not None
        return self.runner.harness

    async def take(self, step: Step) -> str:
        return str(await getattr(self, step.kind)(step.action))

    def _name(self, role: str) -> str:
        return self.cast.short_name(self.cast.user(role))

    def _where(self, role: str) -> str:
        if role == "dm":
            return "a DM with cocbot"
        return self.cast.channel_name(self.cast.channel(role))

    def _shown(self, uid: str, channel: str | None, body: dict[str, Any]) -> None:
        """A command's or a click's reply in the HTTP response: Slack shows it to that person only."""
        if body.get("text") or body.get("blocks"):
            self.fake.saw_directly(uid, "command response", channel, body)

    async def slash(self, a: SlashStep) -> str:
        uid = self.cast.user(a.by)
        channel = f"D{uid}" if a.in_ == "dm" else self.cast.channel(a.in_)
        resp = await self.harness.slash(uid, channel, a.command, _slack_text(self.cast, a.text), expect_view=False)
        if resp.status != 200:
            raise Unmet(f"Slack got HTTP {resp.status} for {a.command}: {resp.text[:200]}")
        await self.runner.settle()
        self._shown(uid, channel, _reply(resp.text, plain=True))
        return f"{self._name(a.by)} types `{a.command}{' ' + a.text if a.text else ''}` in {self._where(a.in_)}"

    async def shortcut(self, a: ShortcutStep) -> str:
        uid = self.cast.user(a.by)
        channel = self.cast.channel(a.in_)
        author = self.cast.user(a.author) if a.author else None
        self._ts += 1
        resp = await self.harness.message_shortcut(uid, channel, author=author, text=a.text,
                                                   ts=f"1700000000.{self._ts:06d}")
        if resp.status != 200:
            raise Unmet(f"Slack got HTTP {resp.status} for the shortcut")
        by_whom = f" by {self._name(a.author)}" if a.author else ""
        return (f"{self._name(a.by)} uses \"Report message\" on a message{by_whom} in "
                f"{self.cast.channel_name(channel)}: \"{short(a.text)}\"")

    async def submit(self, a: SubmitStep) -> str:
        uid = self.cast.user(a.by)
        view = self.fake.open_view_for(uid)
        if view is None:
            raise Unmet(f"no modal is open for {self._name(a.by)}")
        inputs = {b["block_id"]: b for b in view.get("blocks", []) if b.get("type") == "input"}
        unknown = [k for k in a.values if k not in inputs]
        if unknown:
            raise Unmet(f"the open modal ({view.get('callback_id')}) has no input block "
                        f"{', '.join(map(repr, unknown))}; its blocks are {', '.join(inputs) or 'none'}")
        values = {k: _state_value(self.cast, inputs[k], v) for k, v in a.values.items()}
        before = {r.ref for r in await self.runner.reports()}
        calls = len(self.fake.calls)
        resp = await self.harness.submit_view(uid, values, view)
        # A slow submission's answer ("being saved") is already replaced by the bot's update of the modal.
        updated = any(c.method == "views.update" and c.params.get("view_id") == view["id"]
                      for c in self.fake.calls[calls:])
        if resp.status != 200:
            raise Unmet(f"Slack got HTTP {resp.status} for the submission: {resp.text[:300]}")
        body = resp.json() if resp.text.strip() else {}
        action = body.get("response_action")
        if action == "errors":
            return self._refused(a, uid, view, body.get("errors", {}))
        if a.expect_errors is not None:
            raise Unmet(f"expected the modal to show errors {a.expect_errors}; it answered {action or 'by closing'}")
        if updated:
            pass
        elif action in ("update", "push") and isinstance(body.get("view"), dict):
            new_id = view["id"] if action == "update" else f"V{len(self.fake.views) + 5000}"
            self.fake.views[new_id] = {**body["view"], "id": new_id}
            self.fake.view_owner[new_id] = uid
            self.fake.saw_directly(uid, "view response", None, body["view"])
        else:
            self.fake.views.pop(view["id"], None)
            self.fake.view_owner.pop(view["id"], None)
        await self.runner.settle()
        new = [r for r in await self.runner.reports() if r.ref not in before]
        filled = ", ".join(f"{k}={short(_display_value(v))}" for k, v in a.values.items())
        text = f"{self._name(a.by)} submits {_title(view)}" + (f" ({filled})" if filled else "")
        if new:
            text += f" → {', '.join(r.ref for r in new)}"
        return text

    def _refused(self, a: SubmitStep, uid: str, view: dict[str, Any], errors: dict[str, str]) -> str:
        """The modal answered with inline errors: what the story expected, or the step fails."""
        if a.expect_errors is None:
            raise Unmet("the modal refused the submission: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        for block, part in a.expect_errors.items():
            if part not in str(errors.get(block, "")):
                raise Unmet(f"expected an error on {block!r} containing {part!r}; the modal showed "
                            f"{errors or 'no errors'}")
        self.fake.saw_directly(uid, "view response", None, {**view, "blocks": view.get("blocks", []) + [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"⚠ {k}: {v}"}]}
            for k, v in errors.items()]})
        return f"{self._name(a.by)} submits the form and is told: " + "; ".join(errors.values())

    async def click(self, a: ClickStep) -> str:
        uid = self.cast.user(a.by)
        found = _find_button(self.fake, await self.runner.reports(), uid, a)
        if found is None and a.value is None:
            visible = sorted({b.get("action_id", "?") for ch in self.fake.channels.values()
                              if uid in ch.members or ch.id == f"D{uid}" for m in ch.messages for b in _buttons(m)})
            raise Unmet(f"{self._name(a.by)} sees no button {a.action_id!r}"
                        f"{' on the report' if a.in_ == 'report' else ''}"
                        f"{'; ' + BUTTON_NEEDS[a.action_id] if a.action_id in BUTTON_NEEDS else ''}; buttons they "
                        f"can see: {', '.join(visible) or 'none'}")
        value, channel, ts = found if found is not None else (a.value or "", None, None)
        if a.value is not None:
            value = a.value
        views_before = len(self.fake.calls_to("views.open"))
        resp = await self.harness.click(uid, a.action_id, value, channel=channel, message_ts=ts)
        if resp.status != 200:
            raise Unmet(f"Slack got HTTP {resp.status} for the click: {resp.text[:200]}")
        await self.runner.settle()
        self._shown(uid, channel, _reply(resp.text))
        opened = " (a form opens)" if len(self.fake.calls_to("views.open")) > views_before else ""
        label = _button_label(self.fake, channel, ts, a.action_id) or a.action_id
        place = "in their DM" if (channel or "").startswith("D") else (
            f"in {self.cast.channel_name(channel)}" if channel else "")
        return f"{self._name(a.by)} clicks [{label}] {place}{opened}".replace("  ", " ")

    async def home(self, a: HomeStep) -> str:
        """The `app_home_opened` event, as the Events API sends it."""
        uid = self.cast.user(a.by)
        self._ts += 1
        resp = await self.harness.event({"type": "app_home_opened", "user": uid, "channel": f"D{uid}",
                                         "tab": "home", "event_ts": f"{int(time.time())}.000100"})
        if resp.status != 200:
            raise Unmet(f"Slack got HTTP {resp.status} for app_home_opened")
        await self.runner.settle()
        return f"{self._name(a.by)} opens cocbot's App Home"

    async def advance(self, delta: timedelta) -> str:
        now = self.harness.clock.advance(seconds=delta.total_seconds())
        return f"{_human(delta)} pass — it is now {now:%A %H:%M} UTC"

    async def advance_to(self, when: datetime) -> str:
        clock = self.harness.clock
        if when < clock.now():
            raise Unmet(f"time only moves forward; it is already {clock.now():%Y-%m-%d %H:%M}")
        clock.set(when)
        return f"time passes — it is now {clock.now():%A %Y-%m-%d %H:%M} UTC"

    async def join(self, a: Membership) -> str:
        ch = self.fake.channels[self.cast.channel(a.channel)]
        for role in a.people:
            uid = self.cast.user(role)
            if uid not in ch.members:
                ch.members.add(uid)
                self.fake.saw_history(uid, ch.id, ch.messages)
                if self.fake.bot_user_id in ch.members:
                    # Slack tells the bot about joins in the channels it is in (bans enforcement listens).
                    await self.harness.event({"type": "member_joined_channel", "user": uid, "channel": ch.id,
                                              "channel_type": "C", "event_ts": f"{int(time.time())}.000200"})
        verb = "joins" if len(a.people) == 1 else "join"
        return f"{', '.join(self._name(p) for p in a.people)} {verb} {self.cast.channel_name(ch.id)}"

    async def leave(self, a: Membership) -> str:
        ch = self.fake.channels[self.cast.channel(a.channel)]
        for role in a.people:
            ch.members.discard(self.cast.user(role))
        verb = "leaves" if len(a.people) == 1 else "leave"
        return f"{', '.join(self._name(p) for p in a.people)} {verb} {self.cast.channel_name(ch.id)}"

    async def restart(self, a: bool) -> str:
        await self.harness.restart()
        return "cocbot restarts (nothing in memory survives)"

    async def fail(self, a: FailStep) -> str:
        self.fake.fail(a.method, a.times, status=a.status, error=a.error, retry_after=a.retry_after)
        return f"Slack will fail the next {a.times} {a.method} call(s) ({a.status} {a.error})"


# ---- what a step sends ----

def _slack_text(cast: Cast, text: str) -> str:
    """`@frank` and `#general` as Slack sends them in a command's text once picked from suggestions."""
    def person(m: re.Match[str]) -> str:
        role = m.group(1)
        return f"<@{cast.user(role)}|{role}>" if role in cast.people else m.group(0)

    def channel(m: re.Match[str]) -> str:
        role = m.group(1)
        if role not in cast.channels:
            return m.group(0)
        return f"<#{cast.channel(role)}|{cast.channel_names.get(role, role)}>"

    text = re.sub(r"(?<![\w<])@([a-z][a-z0-9_]*)", person, text)
    return re.sub(r"(?<![\w<])#([a-z][a-z0-9_]*)", channel, text)


def _state_value(cast: Cast, block: dict[str, Any], value: Any) -> Any:
    """A story's value for an input block as the modal's state holds it (people and channels as ids)."""
    etype = block["element"]["type"]
    bid = block["block_id"]
    if etype == "checkboxes":  # `hold: true` ticks the block's one box
        return [o["value"] for o in block["element"].get("options", [])] if value else []
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if etype == "multi_users_select":
        if not isinstance(value, list):
            raise Unmet(f"values.{bid}: a list of people expected")
        return [_person(cast, bid, v) for v in value]
    if etype == "users_select":
        return _person(cast, bid, value)
    if etype == "multi_conversations_select":
        if not isinstance(value, list) or any(v not in cast.channels for v in value):
            raise Unmet(f"values.{bid}: a list of known channels expected")
        return [cast.channel(v) for v in value]
    if etype == "checkboxes":
        chosen = value if isinstance(value, list) else [value]
        return [_choice(bid, block["element"].get("options", []), v) for v in chosen]
    if etype in ("conversations_select", "channels_select"):
        if value in cast.channels:
            return cast.channel(value)
        raise Unmet(f"values.{bid}: unknown channel {value!r}")
    if etype in ("radio_buttons", "static_select"):
        return _choice(bid, block["element"].get("options", []), value)
    return None if value is None else str(value)


def _choice(block_id: str, options: list[dict[str, Any]], value: Any) -> str:
    if str(value) in [o["value"] for o in options]:
        return str(value)
    # A choice may also be given by its label, as the person sees it ("Harassment or intimidation").
    wanted = str(value).strip().lower()
    for o in options:
        label = str((o.get("text") or {}).get("text", "")).strip().lower()
        if label == wanted or label.split(" — ")[0] == wanted:
            return str(o["value"])
    shown = ", ".join(f"{o['value']} ({(o.get('text') or {}).get('text', '')})" for o in options)
    raise Unmet(f"values.{block_id}: {value!r} is not one of the choices: {shown}")


def _person(cast: Cast, block_id: str, role: Any) -> str:
    if role not in cast.people:
        raise Unmet(f"values.{block_id}: unknown person {role!r}")
    return cast.user(role)


# ---- buttons ----

# Buttons that only some set-ups or states show: a story clicking one that is not there learns why.
BUTTON_NEEDS = {
    "triage_view": "the report message shows it only with the setting `triage.details_on_demand: true`",
    "triage_reassign": "the report message shows it only once someone owns the report",
}


def _find_button(fake: FakeSlack, reports: list[ReportView], uid: str,
                 a: ClickStep) -> tuple[str, str | None, str | None] | None:
    """(value, channel, message ts) of the newest matching button the person can see."""
    candidates: list[tuple[str | None, dict[str, Any]]] = []
    ref: str | None = None
    if a.report is not None or a.in_ == "report":
        if not reports:
            return None
        chosen = reports[(a.report or len(reports)) - 1]
        ref = chosen.ref
        if a.in_ == "report":
            record = chosen.record
            space = fake.channels.get(record.space_channel or "")
            if space is None or (uid not in space.members and space.id != f"D{uid}"):
                return None  # they cannot see the report's message
            candidates += [(space.id, msg) for msg in space.messages if msg["ts"] == record.message_ts]
    if a.in_ in ("any", "dm"):
        dm = f"D{uid}"
        for channel in fake.channels.values():
            if channel.id == dm or (a.in_ == "any" and uid in channel.members):
                candidates += [(channel.id, msg) for msg in channel.messages]
        candidates.sort(key=lambda c: c[1]["ts"])
        candidates.reverse()
        if a.in_ == "any":
            home = fake.views.get(f"VHOME{uid}")
            if home is not None:
                candidates.append((None, home))
    for channel_id, msg in candidates:
        if ref is not None and a.in_ != "report" and ref not in flatten(msg):
            continue
        for button in _buttons(msg):
            if button.get("action_id") == a.action_id:
                return str(button.get("value", "")), channel_id, msg.get("ts")
    return None


def _buttons(content: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in content.get("blocks") or []:
        if block.get("type") == "actions":
            out += [e for e in block.get("elements") or [] if e.get("type") == "button"]
        acc = block.get("accessory")
        if isinstance(acc, dict) and acc.get("type") == "button":
            out.append(acc)
    return out


def _button_label(fake: FakeSlack, channel: str | None, ts: str | None, action_id: str) -> str | None:
    if channel is None:
        return None
    for msg in fake.messages_in(channel):
        if msg.get("ts") == ts:
            for b in _buttons(msg):
                if b.get("action_id") == action_id:
                    return str((b.get("text") or {}).get("text", action_id))
    return None


# ---- narration ----

def _reply(text: str, *, plain: bool = False) -> dict[str, Any]:
    """An HTTP response's message: JSON, or (a slash command's) plain text."""
    if text.strip().startswith("{"):
        body = json.loads(text)
        return body if isinstance(body, dict) else {}
    return {"text": text} if plain and text else {}


def _display_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _title(view: dict[str, Any]) -> str:
    title = (view.get("title") or {}).get("text", "the form")
    return f"“{title}”"


def _human(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} day{'s' if days != 1 else ''}" if days else "",
             f"{hours} hour{'s' if hours != 1 else ''}" if hours else "",
             f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else ""]
    return " ".join(p for p in parts if p) or f"{seconds} seconds"
