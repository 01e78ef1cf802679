"""Shifts and call occurrences at hours after a fixed moment, for the on-duty tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cocbot.bot.duty.roster import Occurrence, Shift

from tests.harness import make_config

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
A, B, C = "CAAA", "CBBB", "CCCC"
CONFIG = make_config(duty={"facilitators": ["UFAC1", "UFAC2"]})

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

WEEKLY = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
{VTIMEZONE}
BEGIN:VEVENT
UID:community-call@example.org
SUMMARY:Community call
DTSTART;TZID=Europe/Berlin:20260317T170000
DTEND;TZID=Europe/Berlin:20260317T180000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/Berlin:20260407T170000
END:VEVENT
BEGIN:VEVENT
UID:community-call@example.org
RECURRENCE-ID;TZID=Europe/Berlin:20260414T170000
SUMMARY:Community call (moved)
DTSTART;TZID=Europe/Berlin:20260415T180000
DTEND;TZID=Europe/Berlin:20260415T190000
X-COCBOT-FACILITATOR:UFAC1
END:VEVENT
END:VCALENDAR
"""


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def shift(id_: int, who: str, channels: set[str], start: float, end: float) -> Shift:
    return Shift(id_, who, frozenset(channels), h(start), h(end))


def occ(id_: int, channel: str, start: float, end: float, who: str | None = "UFAC2") -> Occurrence:
    return Occurrence(id_, 1, "Community call", channel, h(start), h(start), h(end), who)
