"""What each person saw: the fake Slack recording it per step, rendered as a person reads it, printed.

Every expectation, the privacy check and the demo read the same record: one `Observation` per thing
cocbot showed someone (a message, a modal, an only-you reply, a channel's history on joining).
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from cocbot.handlers.slack.testing.fake_api import FakeSlack, flatten
from cocbot.scenarios.simulator.cast import Cast

if TYPE_CHECKING:
    from cocbot.scenarios.simulator.runner import Replay


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

    def _see(self, users: set[str] | list[str], method: str, channel: str | None, content: Any) -> None:
        super()._see(users, method, channel, content)
        for user in users:
            if user != self.bot_user_id:
                self.observations.append(Observation(self.step, user, _via(method, channel, content), channel,
                                                     content, flatten(content), method))

    def saw_directly(self, user: str, method: str, channel: str | None, content: Any) -> None:
        """What Slack shows from an HTTP response (a modal update, a command's ephemeral reply)."""
        self._see([user], method, channel, content)

    def saw_history(self, user: str, channel: str, messages: list[dict[str, Any]]) -> None:
        """Joining a channel shows its history."""
        for msg in messages:
            self._see([user], "joined", channel, msg)


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


def render(content: Any, cast: Cast | None = None, *, ids: bool = False) -> list[str]:
    """A message or view as the lines a person reads (mentions and dates resolved, buttons bracketed);
    `ids` adds each form field's block id, which story authors name in `submit: values:`."""
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
            field_id = f"  ‹{block.get('block_id')}›" if ids else ""
            lines.append(f"{label}{optional} [{shown}{': ' + ' / '.join(options) if options else ''}]{field_id}")
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


def short(text: Any, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def by_person(observations: list[Observation]) -> dict[str, list[Observation]]:
    out: dict[str, list[Observation]] = {}
    for obs in observations:
        out.setdefault(obs.user, []).append(obs)
    return out


class Seen:
    """What a text expectation is matched against: the raw payload and what a person reads."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self._cache: dict[int, str] = {}

    def text(self, obs: Observation) -> str:
        cached = self._cache.get(id(obs))
        if cached is None:
            readable = "\n".join(render(obs.content, self.cast))
            cached = self._cache[id(obs)] = "\n".join((obs.text, html.unescape(obs.text), readable))
        return cached


def who_saw_what(cast: Cast, observations: list[Observation]) -> str:
    """Who saw what, per person: step, where, and the first line."""
    lines = ["who saw what (step · how · first line):"]
    seen_by = by_person(observations)
    for uid in sorted(set(cast.people.values()) | set(seen_by), key=lambda u: cast.name(u)):
        seen = seen_by.get(uid, [])
        lines.append(f"  {cast.name(uid)}:" + ("" if seen else " nothing"))
        for obs in seen:
            first = next(iter(render(obs.content, cast)), "")
            place = cast.channel_name(obs.channel) if obs.via in ("channel", "channel history") else ""
            lines.append(f"    {obs.step:>2} · {obs.via}{' ' + place if place else ''} · {short(first, 90)}")
    return "\n".join(lines)


def wrap(text: str, indent: str, width: int = 100, hang: str = "  ") -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, width=width, initial_indent=indent, subsequent_indent=indent + hang) or [indent]
    return out


def _place(replayed: Replay, obs: Observation) -> str:
    if obs.via in ("channel", "channel history"):
        name = replayed.cast.channel_name(obs.channel)
        return f"in {name}" if obs.via == "channel" else f"in {name} (history, on joining)"
    if obs.via == "DM":
        return "DM from cocbot"
    return obs.via


def print_replay(replayed: Replay, out: IO[str], *, short: bool = False, ids: bool = False) -> None:
    """The demo's account of a story: what happened, then what each person saw (or only its first lines)."""
    cast = replayed.cast
    print("What happened:", file=out)
    for line in replayed.steps:
        for wrapped in wrap(line, "  "):
            print(wrapped, file=out)
    print("", file=out)
    print("What each person saw:", file=out)
    by_user = by_person(replayed.observations)
    shown: dict[str, str] = {}  # rendered content → who we printed it for first
    roles = list(dict.fromkeys(cast.people.values()))
    for uid in roles + [u for u in by_user if u not in roles]:
        seen = by_user.get(uid, [])
        name = cast.name(uid)
        if not seen:
            print(f"  {name}: nothing — cocbot never showed them anything", file=out)
            continue
        print(f"  {name}:", file=out)
        for obs in seen:
            lines = render(obs.content, cast, ids=ids)
            key = "\n".join(lines)
            updated = " (updated)" if obs.method == "chat.update" else ""
            head = f"    step {replayed.shown_step(obs.step)} · {_place(replayed, obs)}{updated}"
            if key in shown and shown[key] != name:
                print(f"{head}: the same as shown above for {shown[key].split(' (')[0]}", file=out)
                continue
            shown.setdefault(key, name)
            if short:
                print(f"{head}: {lines[0] if lines else ''}", file=out)
                continue
            print(head, file=out)
            for line in lines:
                for wrapped in wrap(line, "      │ "):
                    print(wrapped, file=out)
    print("", file=out)
    if replayed.leaks:
        print("PRIVACY LEAKS:", file=out)
        for leak in replayed.leaks:
            print("  " + leak.render(cast), file=out)
    elif replayed.refs:
        print(f"Privacy check: nobody implicated, excluded or recused saw any part of {', '.join(replayed.refs)}.",
              file=out)
