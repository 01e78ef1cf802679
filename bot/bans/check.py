"""`cocbot bans check`: a sign-up list compared with the bans in force, as event organisers are asked to do
(Wikimedia). Each entry is an email, a Slack id or a forum username; a match names only the case's
reference and the ban's end date."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from cocbot.bot.bans import rules
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.spaces import same_people
from cocbot.storage.bans import EnforcedBan

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
USERNAME = re.compile(r"^@?[\w.\-]{1,60}$")


@dataclass(frozen=True)
class Entry:
    row: int
    value: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    ref: str
    ends_at: datetime | None


def entries(text: str) -> list[Entry]:
    """Every cell that can name a person: emails, Slack ids, forum usernames (a header row matches nothing)."""
    found: list[Entry] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for cell in row:
            value = cell.strip()
            if value and (EMAIL.match(value) or SLACK_ID.match(value) or USERNAME.match(value)):
                found.append(Entry(number, value))
    return found


async def matches(listed: Iterable[Entry], bans: list[EnforcedBan], config: CommunityConfig,
                  by_email: Callable[[str], Awaitable[str | None]] | None) -> list[Match]:
    out: list[Match] = []
    for entry in listed:
        ids = {entry.value, entry.value.lower(), entry.value.lstrip("@").lower()}
        if by_email is not None and EMAIL.match(entry.value):
            found = await by_email(entry.value)
            if found:
                ids.add(found)
        ids = set(same_people(ids, config))
        for ban in bans:
            if ids & rules.people_of(ban, config):
                out.append(Match(entry, ban.ref, ban.ban.ends_at))
    return out


def describe(match: Match) -> str:
    return (f"row {match.entry.row} ({match.entry.value}): a ban in force, {match.ref}, "
            f"until {rules.until_text(match.ends_at)}")
