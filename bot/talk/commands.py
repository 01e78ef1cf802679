"""Talk first on the forum: what a private message to the bot asks, as words instead of Slack's buttons.

To start, the first line is `talk` with any of: `anonymously`, `to @name` (someone they choose),
`about duty` (it is about the facilitator on duty: someone else), `not @a @b` (people who must never take
part); the lines after it are the first message. In a conversation's own PM, a post that is exactly one of
the commands below acts; anything else is relayed to the other side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cocbot.bot.config.discourse import normalise_username

_OPEN = re.compile(r"\A\s*@?talk\b(?P<options>[^\n]*)(?:\n(?P<text>.*))?\Z", re.IGNORECASE | re.DOTALL)
_NAME = r"@?([A-Za-z0-9_.\-]+)"
_IN_THREAD: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("report", re.compile(r"make (?:this|it) a report", re.IGNORECASE)),
    ("suggest", re.compile(r"suggest (?:a |making (?:this|it) a )?report", re.IGNORECASE)),
    ("handover", re.compile(rf"hand ?over to {_NAME}", re.IGNORECASE)),
    ("agree", re.compile(r"agree", re.IGNORECASE)),
    ("decline", re.compile(r"keep (?:talking )?as we are", re.IGNORECASE)),
    ("someone_else", re.compile(rf"someone else {_NAME}", re.IGNORECASE)),
    ("end", re.compile(r"end(?: the conversation)?", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Start:
    text: str
    pick: str | None = None
    excluded: tuple[str, ...] = ()
    anonymous: bool = False
    bypass: bool = False


@dataclass(frozen=True)
class InThread:
    action: str  # say, or one of the commands above
    text: str = ""
    person: str | None = None


def parse_start(raw: str) -> Start | None:
    """A request to talk, or None when the post does not start with `talk`."""
    m = _OPEN.match(raw or "")
    if m is None:
        return None
    options = m.group("options")
    pick = re.search(rf"\bto\s+{_NAME}", options, re.IGNORECASE)
    excluded: tuple[str, ...] = ()
    nots = re.search(r"\bnot\s+(.*)$", options, re.IGNORECASE)
    if nots:
        excluded = tuple(normalise_username(n) for n in re.findall(_NAME, nots.group(1)))
    return Start(text=(m.group("text") or "").strip(),
                 pick=normalise_username(pick.group(1)) if pick else None,
                 excluded=excluded,
                 anonymous=bool(re.search(r"\banonym", options, re.IGNORECASE)),
                 bypass=bool(re.search(r"\babout\s+(?:the\s+)?duty\b", options, re.IGNORECASE)))


def parse_in_thread(raw: str) -> InThread:
    text = " ".join((raw or "").split()).rstrip(".!")
    for action, pattern in _IN_THREAD:
        m = pattern.fullmatch(text)
        if m:
            person = normalise_username(m.group(1)) if m.groups() else None
            return InThread(action, person=person)
    return InThread("say", raw)
