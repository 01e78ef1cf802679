"""Community calls from iCalendar files: one call per UID, expanded into dated occurrences.

recurring-ical-events applies each event's own TZID, DST included; floating times are the community's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from collections.abc import Sequence
from zoneinfo import ZoneInfo

UTC = timezone.utc
FACILITATOR_PROPERTY = "X-COCBOT-FACILITATOR"
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class CallSpec:
    uid: str
    name: str
    calendar: str  # a VCALENDAR holding only this call's events and the time zones


@dataclass(frozen=True)
class Slot:
    slot: datetime
    start: datetime
    end: datetime
    index: int  # position in the series, for the rotation
    facilitator: str | None  # from the calendar's X-COCBOT-FACILITATOR, if any


def parse_calendar(data: bytes | str) -> list[CallSpec]:
    """Split an .ics file into one call per UID (a recurring event and its exceptions stay together)."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends for malformed files
        raise CalendarError(f"not a valid iCalendar file: {exc}") from None
    events = [c for c in cal.walk("VEVENT")]
    if not events:
        raise CalendarError("the file holds no events (VEVENT)")
    zones = [c for c in cal.walk("VTIMEZONE")]
    by_uid: dict[str, list[Any]] = {}
    for ev in events:
        uid = str(ev.get("UID") or "")
        if not uid:
            raise CalendarError("an event has no UID; calendars exported by calendar apps always have one")
        if ev.get("DTSTART") is None:
            raise CalendarError(f"event {uid} has no start time (DTSTART)")
        by_uid.setdefault(uid, []).append(ev)
    out = []
    for uid, evs in by_uid.items():
        sub = icalendar.Calendar()
        sub.add("PRODID", "-//cocbot//calls//EN")
        sub.add("VERSION", "2.0")
        for z in zones:
            sub.add_component(z)
        for ev in evs:
            sub.add_component(ev)
        master = next((e for e in evs if e.get("RECURRENCE-ID") is None), evs[0])
        # Braces would read as placeholders in messages; a calendar title never needs them.
        name = str(master.get("SUMMARY") or "Community call").strip().replace("{", "(").replace("}", ")")[:200]
        out.append(CallSpec(uid, name, sub.to_ical().decode()))
    return out


def _as_utc(value: date | datetime, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:  # floating time: the community's time zone
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def expand(calendar: str, start: datetime, end: datetime, *, tz_name: str, default_minutes: int,
           with_index: bool = True) -> list[Slot]:
    """Occurrences overlapping [start, end), each with its index in the whole series (for rotations).

    Counting the index means expanding from the start of the series, which costs time proportional to
    its age; callers without a rotation pass with_index=False and every index is then 0.
    """
    import icalendar
    import recurring_ical_events

    tz = ZoneInfo(tz_name)
    cal = icalendar.Calendar.from_ical(calendar)
    events: list[Any] = cal.walk("VEVENT")
    firsts = [_as_utc(ev["DTSTART"].dt, tz) for ev in events]
    series_start = min(firsts) if firsts else start
    query = recurring_ical_events.of(cal)
    slots: list[Slot] = []
    since = min(series_start, start) if with_index else start
    occurrences: list[Any] = query.between(since - timedelta(days=1), end)
    for ev in occurrences:
        s = _as_utc(ev["DTSTART"].dt, tz)
        e = _as_utc(ev["DTEND"].dt, tz) if ev.get("DTEND") is not None else s
        if e <= s:
            e = s + timedelta(minutes=default_minutes)
        rid = ev.get("RECURRENCE-ID")
        slot = _as_utc(rid.dt, tz) if rid is not None else s
        who = str(ev.get(FACILITATOR_PROPERTY) or "").strip() or None
        if who is not None and not _USER.match(who):
            who = None
        slots.append(Slot(slot, s, e, 0, who))
    # The rotation follows the series order of slots, so moving one meeting does not reshuffle the rest.
    slots.sort(key=lambda x: x.slot)
    indexed = [Slot(x.slot, x.start, x.end, i if with_index else 0, x.facilitator) for i, x in enumerate(slots)]
    return sorted((x for x in indexed if x.start < end and x.end > start), key=lambda x: x.start)


def facilitator_for(slot: Slot, rotation: Sequence[str], assigned: dict[datetime, str]) -> str | None:
    """An explicit assignment, else the calendar's own facilitator, else the rotation's turn."""
    if slot.slot in assigned:
        return assigned[slot.slot]
    if slot.facilitator:
        return slot.facilitator
    if rotation:
        return rotation[slot.index % len(rotation)]
    return None
