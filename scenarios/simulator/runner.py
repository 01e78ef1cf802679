"""Replays scenarios/*.yml through the real Slack handlers against the fake Slack.

Used three ways: by the test suite (tests/scenarios/), by `cocbot demo` (what each person saw) and by
`cocbot scenarios check` (the stories recast onto a real community's config, looking only for privacy
leaks). A story's people and channels are roles; `Cast` gives them ids — made-up ones for the story
itself, the community's own ids in check mode.

Each step goes in as Slack would send it (signed HTTP requests), then the runner waits for the Bolt
listeners that run after their ack and drains the outbox, so every step's consequences are visible
before the next one — deterministic without sleeps.
"""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterable

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import CommunityConfig, ConfigError, parse_config
from cocbot.scenarios.simulator.format import (
    FEATURES, PEOPLE_FIELDS, CHANNEL_FIELDS, Expect, LoadedScenario, Needle, Scenario, ScenarioError, Step,
)
from cocbot.handlers.slack.testing.fake_api import FakeSlack, flatten
from cocbot.scenarios.simulator.harness import Harness

REF = re.compile(r"\bR-\d{4,}\b")
_PLACEHOLDER = re.compile(r"\{(ref\d*|id:[a-z][a-z0-9_]*)\}")
_MIN_CONTENT = 12  # shorter report texts are not searched for by the privacy check (too many false hits)


# ---------------------------------------------------------------- features

def _has_module(*names: str) -> bool:
    import importlib.util

    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                return True
        except (ImportError, ValueError):
            continue
    return False


# How the runner tells whether a feature built in another issue is present in this checkout.
FEATURE_PROBES: dict[str, Callable[[], bool]] = {
    "triage": lambda: _has_module("cocbot.bot.triage.rules"),
    "onduty": lambda: _has_module("cocbot.bot.duty.rules", "bot.onduty", "bot.shifts"),
    "reminders": lambda: _has_module("cocbot.bot.reminders.delivery", "cocbot.bot.reminders.deadlines"),
}


def missing_features(scenario: Scenario) -> list[str]:
    return [f for f in scenario.requires if not FEATURE_PROBES.get(f, lambda: False)()]


def skip_reason(scenario: Scenario) -> str | None:
    missing = missing_features(scenario)
    if not missing:
        return None
    return "needs " + "; ".join(FEATURES[f] for f in missing) + " — not in this build yet"


# ---------------------------------------------------------------- cast

def _slug(role: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", role.upper())


@dataclass
class Cast:
    """Roles → ids. Several roles may share an id when a real community gives one person two hats."""

    people: dict[str, str]
    channels: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # id → how to name them in output
    channel_names: dict[str, str] = field(default_factory=dict)  # role → the channel's name in Slack
    created: dict[str, str] = field(default_factory=dict)  # id → name of channels cocbot created

    def user(self, role: str) -> str:
        return self.people[role]

    def channel(self, role: str) -> str:
        return self.channels[role]

    def name(self, user_id: str) -> str:
        return self.labels.get(user_id, user_id)

    def channel_name(self, channel_id: str | None) -> str:
        if channel_id is None:
            return "-"
        for role, cid in self.channels.items():
            if cid == channel_id:
                return "#" + self.channel_names.get(role, role)
        if channel_id.startswith("D"):
            return "DM"
        if channel_id in self.created:
            return f"#{self.created[channel_id]} (private space)"
        return channel_id

    @classmethod
    def for_story(cls, scenario: Scenario) -> "Cast":
        c = scenario.community
        roles = _roles(scenario)
        people = {r: "U" + _slug(r) for r in roles}
        channels = {r: "C" + _slug(r) for r in c.channels}
        labels = {uid: _label(scenario, r) for r, uid in people.items()}
        names = {r: spec.name or r.replace("_", "-") for r, spec in c.channels.items()}
        return cls(people, channels, labels, names)

    @classmethod
    def onto_config(cls, scenario: Scenario, config: CommunityConfig) -> "Cast":
        """Recast a story onto a real community: its committee, escalation contact, chair, channel."""
        story = cls.for_story(scenario)
        c = scenario.community
        real = config.committee
        people = dict(story.people)
        labels: dict[str, str] = {}
        for role, member in zip(c.committee.members, real.members):
            people[role] = member
        people[c.committee.escalation_contact] = real.escalation_contact
        if c.committee.chair and real.chair:
            people[c.committee.chair] = real.chair
        duty = getattr(config, "duty", None)
        for role, facilitator in zip(c.facilitators, getattr(duty, "facilitators", ()) or ()):
            if role not in c.committee.members:
                people[role] = facilitator
        channels = dict(story.channels)
        channels[c.committee.channel] = real.channel
        for role, uid in people.items():
            labels[uid] = (labels[uid] + "/" if uid in labels else "") + _label(scenario, role) + (
                f" = {uid}" if uid != story.people.get(role) else "")
        for i, member in enumerate(real.members, start=1):
            labels.setdefault(member, f"committee member {i} = {member}")
        return cls(people, channels, labels, story.channel_names)


def _is_committee_role(scenario: Scenario, cast: Cast, user_id: str) -> bool:
    return any(cast.people.get(role) == user_id for role in scenario.community.committee.members)


def _roles(scenario: Scenario) -> list[str]:
    c = scenario.community
    roles = list(c.people) + list(c.committee.members) + [c.committee.escalation_contact] + list(c.facilitators)
    if c.committee.chair:
        roles.append(c.committee.chair)
    for ch in c.channels.values():
        roles += ch.members
    return list(dict.fromkeys(roles))


def _label(scenario: Scenario, role: str) -> str:
    c = scenario.community
    hats = []
    if role in c.committee.members:
        hats.append("committee")
    if role == c.committee.chair:
        hats.append("chair")
    if role == c.committee.escalation_contact:
        hats.append("escalation contact")
    if role in c.facilitators:
        hats.append("facilitator")
    described = c.people.get(role)
    if described:
        hats.append(described)
    return f"{role} ({', '.join(hats)})" if hats else role


# ---------------------------------------------------------------- what people saw

@dataclass
class Observation:
    step: int
    user: str
    via: str
    channel: str | None
    content: Any
    text: str
    method: str = ""


class RecordingSlack(FakeSlack):
    """The fake Slack, also keeping the structured content of what each person saw, per step."""

    def __init__(self, checker: Any = None) -> None:
        super().__init__(checker=checker)
        self.observations: list[Observation] = []
        self.step = 0

    def _see(self, users: Any, method: str, channel: str | None, content: Any) -> None:
        super()._see(users, method, channel, content)
        for user in users:
            if user != self.bot_user_id:
                self.observations.append(Observation(self.step, user, _via(method, channel, content), channel,
                                                     content, flatten(content), method))

    def saw_directly(self, user: str, method: str, channel: str | None, content: Any) -> None:
        """What Slack shows from an HTTP response (a modal update, a command's ephemeral reply)."""
        self._see([user], method, channel, content)


def _via(method: str, channel: str | None, content: Any) -> str:
    if method in ("views", "view response"):
        if isinstance(content, dict) and content.get("type") == "home":
            return "App Home"
        return "modal"
    if method in ("chat.postMessage", "chat.update"):
        return "DM" if (channel or "").startswith("D") else "channel"
    if method in ("conversations.invite", "joined"):
        return "channel history"
    if method in ("chat.postEphemeral", "response_url", "command response"):
        return "only-you message"
    return method


# ---------------------------------------------------------------- readable rendering

def _mrkdwn(text: str, cast: Cast | None) -> str:
    def user(m: re.Match[str]) -> str:
        return "@" + (cast.name(m.group(1)).split(" ")[0] if cast else m.group(1))

    def channel(m: re.Match[str]) -> str:
        return cast.channel_name(m.group(1)) if cast else "#" + m.group(1)

    text = re.sub(r"<@([UW][A-Z0-9]+)>", user, text)
    text = re.sub(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>", channel, text)
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return html.unescape(text).replace("\u2060", "")


def _text_of(obj: Any, cast: Cast | None) -> str:
    if isinstance(obj, dict):
        return _mrkdwn(str(obj.get("text", "")), cast)
    return _mrkdwn(str(obj or ""), cast)


def render(content: Any, cast: Cast | None = None) -> list[str]:
    """A message or view as the lines a person reads (mentions and dates resolved, buttons bracketed)."""
    if not isinstance(content, dict):
        return [_mrkdwn(str(content), cast)] if content else []
    lines: list[str] = []
    if content.get("type") in ("modal", "home"):
        title = _text_of(content.get("title"), cast)
        if title:
            lines.append(f"「{title}」")
    blocks = content.get("blocks") or []
    if not blocks and content.get("text"):
        return [_mrkdwn(str(content["text"]), cast)]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(_text_of(block.get("text"), cast).upper())
        elif kind == "section":
            if block.get("text"):
                lines.append(_text_of(block["text"], cast))
            fields = [_text_of(f, cast).replace("\n", ": ", 1) for f in block.get("fields") or []]
            for i in range(0, len(fields), 2):
                lines.append("   ".join(fields[i:i + 2]))
            acc = block.get("accessory") or {}
            if acc.get("type") == "button":
                lines.append(f"[{_text_of(acc.get('text'), cast)}]")
        elif kind == "context":
            lines.append("  " + " ".join(_text_of(e, cast) for e in block.get("elements") or []))
        elif kind == "actions":
            lines.append(" ".join(f"[{_text_of(e.get('text'), cast)}]" for e in block.get("elements") or []
                                  if e.get("type") == "button"))
        elif kind == "input":
            label = _text_of(block.get("label"), cast)
            element = block.get("element") or {}
            etype = element.get("type", "")
            shown = {"plain_text_input": "text", "multi_users_select": "people", "users_select": "person",
                     "conversations_select": "channel", "radio_buttons": "choice", "static_select": "choice",
                     "checkboxes": "choices"}.get(etype, etype)
            options = [_text_of(o.get("text"), cast).split(" — ")[0] for o in element.get("options") or []]
            optional = " (optional)" if block.get("optional") else ""
            lines.append(f"{label}{optional} [{shown}{': ' + ' / '.join(options) if options else ''}]"
                         f"  ‹{block.get('block_id')}›")
        elif kind == "divider":
            lines.append("—")
        elif kind == "rich_text":
            lines.append(_mrkdwn(flatten(block), cast))
    submit = content.get("submit")
    if submit:
        lines.append(f"[{_text_of(submit, cast)}]")
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", "\n".join(lines))  # mrkdwn bold
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)  # mrkdwn italics
    return [line for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- results

class StepFailure(AssertionError):
    """A step or expectation did not hold. The message says where, what, and who saw what."""


@dataclass
class Leak:
    person: str
    why: str  # implicated / excluded / recused / wrote the flagged message / expectation
    ref: str
    via: str
    channel: str | None
    step: int
    what: str

    def render(self, cast: Cast) -> str:
        return (f"{cast.name(self.person)} — {self.why} in {self.ref} — saw {self.what} via {self.via}"
                f" in {cast.channel_name(self.channel)} (step {self.step})")


@dataclass
class Replay:
    loaded: LoadedScenario
    cast: Cast
    observations: list[Observation]
    steps: list[str]  # one line per step, as narrated
    refs: list[str]
    leaks: list[Leak]
    violations: list[str]
    # Check mode only: why the story stopped early with this config (the rest could not apply).
    stopped: str | None = None


@dataclass
class ReportView:
    ref: str
    record: Any
    addenda: list[str]


# ---------------------------------------------------------------- the runner

class ScenarioRunner:
    def __init__(self, loaded: LoadedScenario, *, database_url: str, checker: Any = None,
                 config: CommunityConfig | None = None, also_in_committee_channel: tuple[str, ...] = ()) -> None:
        """With `config`, the story is recast onto that community and only privacy is checked;
        `also_in_committee_channel` lists people besides the committee who sit in its real channel."""
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.database_url = database_url
        self.checker = checker
        self.real_config = config
        self.check_mode = config is not None
        self.also_in_committee_channel = also_in_committee_channel
        self.cast = Cast.onto_config(self.scenario, config) if config else Cast.for_story(self.scenario)
        self.fake = RecordingSlack(checker)
        self.harness: Harness | None = None
        self.narration: list[str] = []
        self.stopped: str | None = None
        self._seen_cache: dict[int, str] = {}
        self.consumed_views: set[str] = set()
        # (ref, user) → the step at which they recused: what they saw before that was legitimate.
        self.recused_at: dict[tuple[str, str], int] = {}
        self._ts = 100

    # ---- set-up ----
    def _substitute(self, value: Any) -> Any:
        if isinstance(value, str):
            if value.startswith("@") and value[1:] in self.cast.people:
                return self.cast.user(value[1:])
            if value.startswith("#") and value[1:] in self.cast.channels:
                return self.cast.channel(value[1:])
            return value
        if isinstance(value, list):
            return [self._substitute(v) for v in value]
        if isinstance(value, dict):
            return {k: self._substitute(v) for k, v in value.items()}
        return value

    def build_config(self) -> CommunityConfig:
        if self.real_config is not None:
            return self.real_config
        c = self.scenario.community
        committee: dict[str, Any] = {
            "channel": self.cast.channel(c.committee.channel),
            "members": [self.cast.user(m) for m in c.committee.members],
            "escalation_contact": self.cast.user(c.committee.escalation_contact),
        }
        if c.committee.chair:
            committee["chair"] = self.cast.user(c.committee.chair)
        data: dict[str, Any] = {"committee": committee, **self._substitute(dict(c.config))}
        data["community"] = {"name": c.name, **(data.get("community") or {})}
        if c.facilitators and "duty" in CommunityConfig.model_fields:
            duty = dict(data.get("duty") or {})
            duty.setdefault("facilitators", [self.cast.user(f) for f in c.facilitators])
            data["duty"] = duty
        try:
            return parse_config(data, f"{self.loaded.source}: community")
        except ConfigError as exc:
            raise ScenarioError(self.loaded.source, [f"community.config: {p}" for p in exc.problems]) from None

    def build_world(self) -> None:
        c = self.scenario.community
        fake = self.fake
        for role, uid in self.cast.people.items():
            if uid not in fake.users:
                fake.add_user(uid, role)
        committee_id = self.cast.channel(c.committee.channel)
        for role, spec in c.channels.items():
            members = {self.cast.user(m) for m in spec.members}
            if spec.bot:
                members.add(fake.bot_user_id)
            if self.real_config is not None and role == c.committee.channel:
                # A real committee channel holds the real committee, plus whoever the story deliberately
                # put there who is not on its committee. Story committee roles your smaller committee has
                # no one for are ordinary people, so not in the channel.
                real = set(self.real_config.committee.members)
                members = {m for m in members if m in real or m == fake.bot_user_id
                           or not _is_committee_role(self.scenario, self.cast, m)}
                members |= real | set(self.also_in_committee_channel)
            for uid in members:
                if uid not in fake.users:
                    fake.add_user(uid, self.cast.name(uid))
            fake.add_channel(self.cast.channel(role), members, name=spec.name or role.replace("_", "-"),
                             private=spec.private or self.cast.channel(role) == committee_id)

    # ---- running ----
    async def run(self) -> Replay:
        config = self.build_config()
        self.build_world()
        start = self.scenario.start
        clock = ManualClock(start) if start else ManualClock()
        await self.fake.start()
        self.harness = Harness(self.fake, config, self.database_url, clock)
        try:
            await self.harness.start()
            for index, step in enumerate(self.scenario.steps, start=1):
                self.fake.step = index
                try:
                    await self._step(index, step)
                except StepFailure as exc:
                    if not self.check_mode:
                        raise
                    # Recast onto a real config, a step may not apply (a role your committee lacks, an
                    # option you have off). What happened up to here is still checked for leaks.
                    self.stopped = str(exc).split("\n\n")[0].split(": ", 1)[-1]
                    break
            if self.scenario.expect is not None and not self.check_mode:
                self.fake.step = len(self.scenario.steps) + 1
                await self._expect("expect", self.scenario.expect)
            reports = await self.reports()
            leaks = self.privacy_leaks(reports)
            if self.check_mode and self.scenario.expect is not None:
                leaks += self._never_saw_leaks(self.scenario.expect, reports)
            if leaks and not self.check_mode:
                raise StepFailure(self._failure("privacy", "someone who must never see a report saw it:\n"
                                                + "\n".join("  " + leak.render(self.cast) for leak in leaks)))
            return Replay(self.loaded, self.cast, list(self.fake.observations), self.narration,
                          [r.ref for r in reports], leaks, list(self.fake.violations), self.stopped)
        finally:
            await self.harness.stop()
            await self.fake.stop()

    async def _step(self, index: int, step: Step) -> None:
        where = f"step {index} ({step.kind})"
        handler = getattr(self, "_do_" + step.kind)
        line = await handler(where, step.action)
        if step.kind != "expect":
            await self.settle(where)
            await self.drain()
        for report in await self.reports():
            for uid in report.record.recused:
                self.recused_at.setdefault((report.ref, uid), index)
        known = set(self.cast.channels.values())
        for channel in self.fake.channels.values():
            if channel.id not in known and not channel.id.startswith("D"):
                self.cast.created[channel.id] = channel.name
        if line:
            self.narration.append(f"{index}. {line}" + (f" — {step.note}" if step.note else ""))
        elif step.note:
            self.narration.append(f"{index}. {step.note}")

    async def settle(self, where: str, timeout: float = 10.0) -> None:
        """Wait for the Bolt listeners still running after their ack (they open modals, store things)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        current = asyncio.current_task()
        while True:
            pending = [t for t in asyncio.all_tasks() if t is not current and not t.done() and _is_listener(t)]
            if not pending:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise StepFailure(self._failure(where, "the bot's handlers did not finish within "
                                                       f"{timeout:g} s"))
            await asyncio.wait(pending, timeout=remaining)

    async def drain(self) -> None:
        assert self.harness is not None
        await self.harness.drain()

    def _name(self, role: str) -> str:
        return self.cast.name(self.cast.user(role)).split(" (")[0]

    def _where(self, role: str) -> str:
        if role == "dm":
            return "a DM with cocbot"
        return self.cast.channel_name(self.cast.channel(role))

    async def _do_slash(self, where: str, a: Any) -> str:
        assert self.harness is not None
        uid = self.cast.user(a.by)
        channel = f"D{uid}" if a.in_ == "dm" else self.cast.channel(a.in_)
        resp = await self.harness.slash(uid, channel, a.command, self._slack_text(a.text), expect_view=False)
        if resp.status != 200:
            raise StepFailure(self._failure(where, f"Slack got HTTP {resp.status} for {a.command}: {resp.text[:200]}"))
        await self.settle(where)
        body = resp.json() if resp.text.strip().startswith("{") else ({"text": resp.text} if resp.text else {})
        if body.get("text") or body.get("blocks"):
            self.fake.saw_directly(uid, "command response", channel, body)
        return f"{self._name(a.by)} types `{a.command}{' ' + a.text if a.text else ''}` in {self._where(a.in_)}"

    async def _do_shortcut(self, where: str, a: Any) -> str:
        assert self.harness is not None
        uid = self.cast.user(a.by)
        channel = self.cast.channel(a.in_)
        author = self.cast.user(a.author) if a.author else None
        self._ts += 1
        resp = await self.harness.message_shortcut(uid, channel, author=author, text=a.text,
                                                   ts=f"1700000000.{self._ts:06d}")
        if resp.status != 200:
            raise StepFailure(self._failure(where, f"Slack got HTTP {resp.status} for the shortcut"))
        by_whom = f" by {self._name(a.author)}" if a.author else ""
        return (f"{self._name(a.by)} uses \"Report message\" on a message{by_whom} in "
                f"{self.cast.channel_name(channel)}: "
                f"\"{_short(a.text)}\"")

    def _slack_text(self, text: str) -> str:
        """`@frank` and `#general` as Slack sends them in a command's text once picked from suggestions."""
        def person(m: re.Match[str]) -> str:
            role = m.group(1)
            return f"<@{self.cast.user(role)}|{role}>" if role in self.cast.people else m.group(0)

        def channel(m: re.Match[str]) -> str:
            role = m.group(1)
            if role not in self.cast.channels:
                return m.group(0)
            return f"<#{self.cast.channel(role)}|{self.cast.channel_names.get(role, role)}>"

        text = re.sub(r"(?<![\w<])@([a-z][a-z0-9_]*)", person, text)
        return re.sub(r"(?<![\w<])#([a-z][a-z0-9_]*)", channel, text)

    def _open_view(self, uid: str) -> dict[str, Any] | None:
        owned = [vid for vid, owner in self.fake.view_owner.items() if owner == uid]
        return self.fake.views[owned[-1]] if owned else None

    def _state_value(self, where: str, block: dict[str, Any], value: Any) -> Any:
        etype = block["element"]["type"]
        bid = block["block_id"]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if etype in ("multi_users_select",):
            if not isinstance(value, list):
                raise StepFailure(self._failure(where, f"values.{bid}: a list of people expected"))
            return [self._person(where, bid, v) for v in value]
        if etype == "users_select":
            return self._person(where, bid, value)
        if etype in ("conversations_select", "channels_select"):
            if value in self.cast.channels:
                return self.cast.channel(value)
            raise StepFailure(self._failure(where, f"values.{bid}: unknown channel {value!r}"))
        if etype in ("radio_buttons", "static_select"):
            options = block["element"].get("options", [])
            values = [o["value"] for o in options]
            if str(value) in values:
                return str(value)
            # A choice may also be given by its label, as the person sees it ("Harassment or intimidation").
            wanted = str(value).strip().lower()
            for o in options:
                label = str((o.get("text") or {}).get("text", "")).strip().lower()
                if label == wanted or label.split(" — ")[0] == wanted:
                    return str(o["value"])
            shown = ", ".join(f"{o['value']} ({(o.get('text') or {}).get('text', '')})" for o in options)
            raise StepFailure(self._failure(where, f"values.{bid}: {value!r} is not one of the choices: {shown}"))
        return None if value is None else str(value)

    def _person(self, where: str, block_id: str, role: Any) -> str:
        if role not in self.cast.people:
            raise StepFailure(self._failure(where, f"values.{block_id}: unknown person {role!r}"))
        return self.cast.user(role)

    async def _do_submit(self, where: str, a: Any) -> str:
        assert self.harness is not None
        uid = self.cast.user(a.by)
        view = self._open_view(uid)
        if view is None:
            raise StepFailure(self._failure(where, f"no modal is open for {self._name(a.by)}"))
        inputs = {b["block_id"]: b for b in view.get("blocks", []) if b.get("type") == "input"}
        unknown = [k for k in a.values if k not in inputs]
        if unknown:
            raise StepFailure(self._failure(where, f"the open modal ({view.get('callback_id')}) has no input "
                                                   f"block {', '.join(map(repr, unknown))}; its blocks are "
                                                   f"{', '.join(inputs) or 'none'}"))
        values = {k: self._state_value(where, inputs[k], v) for k, v in a.values.items()}
        before = {r.ref for r in await self.reports()}
        resp = await self.harness.submit_view(uid, values, view)
        if resp.status != 200:
            raise StepFailure(self._failure(where, f"Slack got HTTP {resp.status} for the submission: {resp.text[:300]}"))
        body = resp.json() if resp.text.strip() else {}
        action = body.get("response_action")
        if action == "errors":
            errors = body.get("errors", {})
            if a.expect_errors is None:
                raise StepFailure(self._failure(where, "the modal refused the submission: "
                                                + "; ".join(f"{k}: {v}" for k, v in errors.items())))
            for block, part in a.expect_errors.items():
                if part not in str(errors.get(block, "")):
                    raise StepFailure(self._failure(
                        where, f"expected an error on {block!r} containing {part!r}; the modal showed "
                               f"{errors or 'no errors'}"))
            self.fake.saw_directly(uid, "view response", None, {**view, "blocks": view.get("blocks", []) + [
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"⚠ {k}: {v}"}]}
                for k, v in errors.items()]})
            return f"{self._name(a.by)} submits the form and is told: " + "; ".join(errors.values())
        if a.expect_errors is not None:
            raise StepFailure(self._failure(where, f"expected the modal to show errors {a.expect_errors}; "
                                                   f"it answered {action or 'by closing'}"))
        if action in ("update", "push") and isinstance(body.get("view"), dict):
            new_id = view["id"] if action == "update" else f"V{len(self.fake.views) + 5000}"
            self.fake.views[new_id] = {**body["view"], "id": new_id}
            self.fake.view_owner[new_id] = uid
            self.fake.saw_directly(uid, "view response", None, body["view"])
        else:
            self.fake.views.pop(view["id"], None)
            self.fake.view_owner.pop(view["id"], None)
        await self.settle(where)
        new = [r for r in await self.reports() if r.ref not in before]
        filled = ", ".join(f"{k}={_short(_display_value(v, self.cast))}" for k, v in a.values.items())
        text = f"{self._name(a.by)} submits {_title(view)}" + (f" ({filled})" if filled else "")
        if new:
            text += f" → {', '.join(r.ref for r in new)}"
        return text

    async def _find_button(self, uid: str, a: Any) -> tuple[str, str | None, str | None] | None:
        """(value, channel, message ts) of the newest matching button the person can see."""
        candidates: list[tuple[str | None, dict[str, Any]]] = []
        ref: str | None = None
        if a.report is not None or a.in_ == "report":
            refs = [r for r in await self.reports()]
            if not refs:
                return None
            chosen = refs[(a.report or len(refs)) - 1]
            ref = chosen.ref
            if a.in_ == "report":
                record = chosen.record
                space = self.fake.channels.get(record.space_channel or "")
                if space is None or (uid not in space.members and space.id != f"D{uid}"):
                    return None  # they cannot see the report's message
                for msg in space.messages:
                    if msg["ts"] == record.message_ts:
                        candidates.append((record.space_channel, msg))
        if a.in_ in ("any", "dm"):
            dm = f"D{uid}"
            for channel in self.fake.channels.values():
                if channel.id == dm or (a.in_ == "any" and uid in channel.members):
                    for msg in channel.messages:
                        candidates.append((channel.id, msg))
            candidates.sort(key=lambda c: c[1]["ts"])
            candidates.reverse()
            if a.in_ == "any":
                home = self.fake.views.get(f"VHOME{uid}")
                if home is not None:
                    candidates.append((None, home))
        for channel, msg in candidates:
            if ref is not None and a.in_ != "report" and ref not in flatten(msg):
                continue
            for button in _buttons(msg):
                if button.get("action_id") == a.action_id:
                    return str(button.get("value", "")), channel, msg.get("ts")
        return None

    async def _do_click(self, where: str, a: Any) -> str:
        assert self.harness is not None
        uid = self.cast.user(a.by)
        found = await self._find_button(uid, a)
        if found is None and a.value is None:
            visible = sorted({b.get("action_id", "?") for ch in self.fake.channels.values()
                              if uid in ch.members or ch.id == f"D{uid}" for m in ch.messages for b in _buttons(m)})
            raise StepFailure(self._failure(where, f"{self._name(a.by)} sees no button {a.action_id!r}"
                                                   f"{' on the report' if a.in_ == 'report' else ''}; buttons they "
                                                   f"can see: {', '.join(visible) or 'none'}"))
        value, channel, ts = found if found is not None else (a.value or "", None, None)
        if a.value is not None:
            value = a.value
        views_before = len(self.fake.calls_to("views.open"))
        resp = await self.harness.click(uid, a.action_id, value, channel=channel, message_ts=ts)
        if resp.status != 200:
            raise StepFailure(self._failure(where, f"Slack got HTTP {resp.status} for the click: {resp.text[:200]}"))
        await self.settle(where)
        body = resp.json() if resp.text.strip().startswith("{") else {}
        if body.get("text") or body.get("blocks"):
            self.fake.saw_directly(uid, "command response", channel, body)
        opened = " (a form opens)" if len(self.fake.calls_to("views.open")) > views_before else ""
        label = _button_label(self.fake, channel, ts, a.action_id) or a.action_id
        place = "in their DM" if (channel or "").startswith("D") else (
            f"in {self.cast.channel_name(channel)}" if channel else "")
        return f"{self._name(a.by)} clicks [{label}] {place}{opened}".replace("  ", " ")

    async def _do_home(self, where: str, a: Any) -> str:
        """The `app_home_opened` event, as the Events API sends it."""
        import json
        import time

        assert self.harness is not None
        uid = self.cast.user(a.by)
        body = {
            "token": "legacy", "team_id": "T0FAKE", "api_app_id": "AFAKE", "type": "event_callback",
            "event_id": f"Ev{self._ts:08d}", "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": uid, "channel": f"D{uid}", "tab": "home",
                      "event_ts": f"{int(time.time())}.000100"},
        }
        self._ts += 1
        resp = await self.harness.post(json.dumps(body), "application/json")
        if resp.status != 200:
            raise StepFailure(self._failure(where, f"Slack got HTTP {resp.status} for app_home_opened"))
        await self.settle(where)
        return f"{self._name(a.by)} opens cocbot's App Home"

    async def _do_advance(self, where: str, delta: timedelta) -> str:
        assert self.harness is not None
        now = self.harness.clock.advance(seconds=delta.total_seconds())
        return f"{_human(delta)} pass — it is now {now:%A %H:%M} UTC"

    async def _do_advance_to(self, where: str, when: Any) -> str:
        assert self.harness is not None
        clock = self.harness.clock
        if when < clock.now():
            raise StepFailure(self._failure(where, f"time only moves forward; it is already {clock.now():%Y-%m-%d %H:%M}"))
        clock.set(when)
        return f"time passes — it is now {clock.now():%A %Y-%m-%d %H:%M} UTC"

    async def _do_join(self, where: str, a: Any) -> str:
        ch = self.fake.channels[self.cast.channel(a.channel)]
        for role in a.people:
            uid = self.cast.user(role)
            if uid not in ch.members:
                ch.members.add(uid)
                # Joining shows the channel's history.
                for msg in ch.messages:
                    self.fake._see([uid], "joined", ch.id, msg)
        verb = "joins" if len(a.people) == 1 else "join"
        return f"{', '.join(self._name(p) for p in a.people)} {verb} {self.cast.channel_name(ch.id)}"

    async def _do_leave(self, where: str, a: Any) -> str:
        ch = self.fake.channels[self.cast.channel(a.channel)]
        for role in a.people:
            ch.members.discard(self.cast.user(role))
        verb = "leaves" if len(a.people) == 1 else "leave"
        return f"{', '.join(self._name(p) for p in a.people)} {verb} {self.cast.channel_name(ch.id)}"

    async def _do_restart(self, where: str, a: Any) -> str:
        assert self.harness is not None
        await self.harness.restart()
        return "cocbot restarts (nothing in memory survives)"

    async def _do_fail(self, where: str, a: Any) -> str:
        self.fake.fail(a.method, a.times, status=a.status, error=a.error, retry_after=a.retry_after)
        return f"Slack will fail the next {a.times} {a.method} call(s) ({a.status} {a.error})"

    async def _do_expect(self, where: str, e: Expect) -> str | None:
        if self.check_mode:
            return None
        await self._expect(where, e)
        return None

    # ---- storage ----
    async def reports(self) -> list[ReportView]:
        from sqlmodel import select

        from cocbot.storage import reports as reports_q
        from cocbot.storage.content import SEAL
        from cocbot.storage.models import Report, ReportAddendum

        assert self.harness is not None
        out: list[ReportView] = []
        async with self.harness.runtime.db.transaction() as session:
            ids = (await session.execute(select(Report.id).order_by(Report.id))).scalars().all()
            for report_id in ids:
                record = await reports_q.get_report(session, report_id)
                rows = (await session.execute(select(ReportAddendum).where(ReportAddendum.report_id == report_id))
                        ).scalars().all()
                addenda = [str(SEAL.unseal(r.content_sealed).get("text", "")) for r in rows]
                if record is not None:
                    out.append(ReportView(record.ref, record, addenda))
        return out

    async def outbox_counts(self) -> dict[tuple[str, str], int]:
        from sqlalchemy import func
        from sqlmodel import select

        from cocbot.storage.models import OutboxItem

        assert self.harness is not None
        async with self.harness.runtime.db.transaction() as session:
            rows = (await session.execute(select(OutboxItem.kind, OutboxItem.status, func.count())
                                          .group_by(OutboxItem.kind, OutboxItem.status))).all()
        return {(kind, status): n for kind, status, n in rows}

    # ---- expectations ----
    def _fill(self, text: str, refs: list[str]) -> str:
        def sub(m: re.Match[str]) -> str:
            token = m.group(1)
            if token.startswith("id:"):
                role = token[3:]
                if role in self.cast.people:
                    return self.cast.user(role)
                return self.cast.channel(role) if role in self.cast.channels else m.group(0)
            if token == "ref":
                return refs[-1] if refs else m.group(0)
            n = int(token[3:])
            return refs[n - 1] if 0 < n <= len(refs) else m.group(0)

        return _PLACEHOLDER.sub(sub, text)

    def _seen_text(self, obs: Observation) -> str:
        """What a text expectation is matched against: the raw payload and what a person reads."""
        cached = self._seen_cache.get(id(obs))
        if cached is None:
            readable = "\n".join(render(obs.content, self.cast))
            cached = self._seen_cache[id(obs)] = "\n".join((obs.text, html.unescape(obs.text), readable))
        return cached

    async def _expect(self, where: str, e: Expect) -> None:
        reports = await self.reports()
        refs = [r.ref for r in reports]
        problems: list[str] = []
        by_user: dict[str, list[Observation]] = {}
        for obs in self.fake.observations:
            by_user.setdefault(obs.user, []).append(obs)
        for role, needles in e.saw.items():
            uid = self.cast.user(role)
            for needle in needles:
                text, via = (needle.text, needle.via) if isinstance(needle, Needle) else (needle, None)
                text = self._fill(text, refs)
                hits = [o for o in by_user.get(uid, []) if text in self._seen_text(o) and (via is None or o.via == via)]
                if not hits:
                    problems.append(f"{role} should have seen {text!r}{' via ' + via if via else ''}, but did not")
        for role, needles in e.never_saw.items():
            uid = self.cast.user(role)
            for needle in needles:
                text = self._fill(needle, refs)
                hits = [o for o in by_user.get(uid, []) if text in self._seen_text(o)]
                for o in hits[:3]:
                    problems.append(f"{role} must never see {text!r}, but saw it via {o.via} in "
                                    f"{self.cast.channel_name(o.channel)} at step {o.step}")
        for needle, roles in e.who_saw.items():
            text = self._fill(needle, refs)
            actual = {o.user for o in self.fake.observations if text in self._seen_text(o)}
            expected = {self.cast.user(r) for r in roles}
            if actual != expected:
                lines = [f"who saw {text!r}:",
                         f"    expected: {', '.join(sorted(self._short_names(expected))) or 'nobody'}",
                         f"    actual:   {', '.join(sorted(self._short_names(actual))) or 'nobody'}"]
                lines += [f"    + {self.cast.name(u)} (should not have)" for u in sorted(actual - expected)]
                lines += [f"    - {self.cast.name(u)} (should have)" for u in sorted(expected - actual)]
                problems.append("\n".join(lines))
        for role in e.saw_nothing:
            seen = by_user.get(self.cast.user(role), [])
            if seen:
                first = seen[0]
                problems.append(f"{role} should have seen nothing from cocbot, but saw {len(seen)} thing(s), first "
                                f"via {first.via} at step {first.step}: {_short(' / '.join(render(first.content, self.cast)))!r}")
        if e.reports is not None and e.reports != len(reports):
            problems.append(f"expected {e.reports} stored report(s), found {len(reports)}")
        for item in e.stored:
            if not 0 < item.report <= len(reports):
                problems.append(f"stored: report {item.report} does not exist ({len(reports)} stored)")
                continue
            record = reports[item.report - 1].record
            for name, expected in item.fields.items():
                actual = getattr(record, name)
                want = self._stored_value(name, expected)
                if _normal(actual) != _normal(want):
                    problems.append(f"stored report {item.report} ({record.ref}) {name}: expected {want!r}, "
                                    f"found {actual!r}")
        if e.sent or e.scheduled or e.cancelled:
            counts = await self.outbox_counts()
            for status, wanted in (("done", e.sent), ("pending", e.scheduled), ("cancelled", e.cancelled)):
                for kind, n in wanted.items():
                    actual_n = counts.get((kind, status), 0)
                    if actual_n != n:
                        label = {"done": "sent", "pending": "scheduled", "cancelled": "cancelled"}[status]
                        problems.append(f"expected {n} {kind} {label}, found {actual_n} "
                                        f"(outbox: {_outbox_summary(counts)})")
        if problems:
            raise StepFailure(self._failure(where, "\n".join(problems)))

    def _stored_value(self, name: str, expected: Any) -> Any:
        if name in PEOPLE_FIELDS:
            if isinstance(expected, list):
                return tuple(self.cast.user(r) for r in expected)
            return self.cast.user(expected) if isinstance(expected, str) else expected
        if name in CHANNEL_FIELDS and isinstance(expected, str):
            return self.cast.channel(expected)
        return expected

    def _short_names(self, ids: Iterable[str]) -> list[str]:
        return [self.cast.name(u).split(" (")[0] for u in ids]

    # ---- privacy ----
    def privacy_leaks(self, reports: list[ReportView]) -> list[Leak]:
        """Anyone implicated, excluded, recused or the flagged message's author who saw any of a report
        (its text or its reference), and anyone else outside its readers who saw its text."""
        leaks: list[Leak] = []
        for report in reports:
            r = report.record
            why: dict[str, str] = {}
            for uid in r.implicated:
                why[uid] = "implicated"
            for uid in r.excluded:
                why.setdefault(uid, "excluded")
            for uid in r.recused:
                why.setdefault(uid, "recused")
            if r.flagged_author:
                why.setdefault(r.flagged_author, "wrote the flagged message")
            why.pop(r.reporter, None)  # the reporter wrote it
            committee = self.harness.config.committee if self.harness else None
            readers = {r.reporter}
            if committee is not None:
                readers |= set(committee.members) - set(why)
                if r.space_kind == "escalation":
                    readers.add(committee.escalation_contact)
            needles = _content_needles(r, report.addenda)
            ref_re = re.compile(rf"\b{re.escape(r.ref)}\b")
            for obs in self.fake.observations:
                if obs.user not in why:
                    if obs.user not in readers and committee is not None:
                        # Not named, but not a reader either (e.g. someone else in the committee channel).
                        text = self._seen_text(obs)
                        hit = next((n for n in needles if n in text), None)
                        if hit is not None:
                            leaks.append(Leak(obs.user, "not on the committee", r.ref, obs.via, obs.channel,
                                              obs.step, f"its text {_short(hit)!r}"))
                    continue
                recused_at = self.recused_at.get((r.ref, obs.user)) if why[obs.user] == "recused" else None
                if recused_at is not None and obs.step < recused_at:
                    continue  # they were an eligible reader until they declared the conflict
                text = self._seen_text(obs)
                what = next((f"its text {_short(n)!r}" for n in needles if n in text), None)
                # A recused member knows the reference (they declared the conflict on it).
                if what is None and recused_at is None and ref_re.search(text):
                    what = f"its reference {r.ref}"
                if what:
                    leaks.append(Leak(obs.user, why[obs.user], r.ref, obs.via, obs.channel, obs.step, what))
        return leaks

    def _never_saw_leaks(self, e: Expect, reports: list[ReportView]) -> list[Leak]:
        refs = [r.ref for r in reports]
        leaks = []
        for role, needles in e.never_saw.items():
            uid = self.cast.user(role)
            for needle in needles:
                text = self._fill(needle, refs)
                for o in self.fake.observations:
                    if o.user == uid and text in self._seen_text(o):
                        leaks.append(Leak(uid, "the story says never", refs[-1] if refs else "-", o.via, o.channel,
                                          o.step, repr(_short(text))))
        return leaks

    # ---- failure messages ----
    def _failure(self, where: str, problem: str) -> str:
        return "\n".join([f"{self.loaded.source}: {where}: {problem}", "", self.transcript()])

    def transcript(self) -> str:
        """Who saw what, per person: step, where, and the first line."""
        lines = ["who saw what (step · how · first line):"]
        by_user: dict[str, list[Observation]] = {}
        for obs in self.fake.observations:
            by_user.setdefault(obs.user, []).append(obs)
        for uid in sorted(set(self.cast.people.values()) | set(by_user), key=lambda u: self.cast.name(u)):
            seen = by_user.get(uid, [])
            lines.append(f"  {self.cast.name(uid)}:" + ("" if seen else " nothing"))
            for obs in seen:
                first = next(iter(render(obs.content, self.cast)), "")
                place = self.cast.channel_name(obs.channel) if obs.via in ("channel", "channel history") else ""
                lines.append(f"    {obs.step:>2} · {obs.via}{' ' + place if place else ''} · {_short(first, 90)}")
        return "\n".join(lines)


# ---------------------------------------------------------------- helpers

def _is_listener(task: asyncio.Task[Any]) -> bool:
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    return code is not None and "slack_bolt" in code.co_filename


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


def _content_needles(record: Any, addenda: list[str]) -> list[str]:
    texts = [record.description, record.when, record.where_text, record.implicated_other, record.snapshot, *addenda]
    needles = []
    for text in texts:
        for line in str(text or "").splitlines():
            line = line.strip()
            if len(line) >= _MIN_CONTENT:
                needles.append(line[:80])
    return needles


def _short(text: Any, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _display_value(value: Any, cast: Cast) -> str:
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


def _normal(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(sorted(map(str, value)))
    return value


def _outbox_summary(counts: dict[tuple[str, str], int]) -> str:
    return ", ".join(f"{kind}/{status}={n}" for (kind, status), n in sorted(counts.items())) or "empty"


async def replay(loaded: LoadedScenario, *, database_url: str, checker: Any = None,
                 config: CommunityConfig | None = None) -> Replay:
    return await ScenarioRunner(loaded, database_url=database_url, checker=checker, config=config).run()


def load_all(paths: Iterable[Path]) -> list[LoadedScenario | ScenarioError]:
    from cocbot.scenarios.simulator.format import load_scenario

    out: list[LoadedScenario | ScenarioError] = []
    for path in paths:
        try:
            out.append(load_scenario(path))
        except ScenarioError as exc:
            out.append(exc)
    return out
