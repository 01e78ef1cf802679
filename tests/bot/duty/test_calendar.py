"""Calls from iCalendar files: a series and its exceptions, DST, rotation, floating times."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cocbot.bot.duty import calendar as ical

from tests.bot.duty.support import UTC, WEEKLY

def test_parse_calendar_keeps_a_series_and_its_exceptions_together() -> None:
    [spec] = ical.parse_calendar(WEEKLY)
    assert (spec.uid, spec.name) == ("community-call@example.org", "Community call")
    assert "RECURRENCE-ID" in spec.calendar and "VTIMEZONE" in spec.calendar


@pytest.mark.parametrize("data,message", [
    ("not a calendar", "not a valid iCalendar"),
    ("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "no events"),
])
def test_parse_calendar_errors(data: str, message: str) -> None:
    with pytest.raises(ical.CalendarError, match=message):
        ical.parse_calendar(data)


def test_expand_weekly_rule_across_dst_with_an_exception_and_a_moved_meeting() -> None:
    [spec] = ical.parse_calendar(WEEKLY)
    slots = ical.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 25, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    starts = [s.start for s in slots]
    assert starts == [
        datetime(2026, 3, 17, 16, tzinfo=UTC),  # 17:00 CET
        datetime(2026, 3, 24, 16, tzinfo=UTC),
        datetime(2026, 3, 31, 15, tzinfo=UTC),  # 17:00 CEST after the clocks went forward
        datetime(2026, 4, 15, 16, tzinfo=UTC),  # 14 April moved to 15 April 18:00; 7 April cancelled
        datetime(2026, 4, 21, 15, tzinfo=UTC),
    ]
    assert [s.index for s in slots] == [0, 1, 2, 3, 4]
    moved = slots[3]
    assert moved.slot == datetime(2026, 4, 14, 15, tzinfo=UTC) and moved.facilitator == "UFAC1"
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_rotation_assignment_and_calendar_facilitator() -> None:
    [spec] = ical.parse_calendar(WEEKLY)
    slots = ical.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 25, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    rotation = ("UFAC1", "UFAC2")
    assigned = {slots[1].slot: "UBOB"}
    who = [ical.facilitator_for(s, rotation, assigned) for s in slots]
    assert who == ["UFAC1", "UBOB", "UFAC1", "UFAC1", "UFAC1"]
    # A later window still counts turns from the start of the series.
    later = ical.expand(spec.calendar, datetime(2026, 4, 20, tzinfo=UTC), datetime(2026, 4, 30, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    assert [s.index for s in later] == [4, 5]
    assert [ical.facilitator_for(s, rotation, {}) for s in later] == ["UFAC1", "UFAC2"]


def test_floating_times_use_the_community_time_zone_and_missing_ends_default() -> None:
    ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:u1\nSUMMARY:Drop-in\n"
           "DTSTART:20260305T100000\nEND:VEVENT\nEND:VCALENDAR\n")
    [spec] = ical.parse_calendar(ics)
    [slot] = ical.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC),
                         tz_name="America/New_York", default_minutes=45)
    assert slot.start == datetime(2026, 3, 5, 15, tzinfo=UTC)
    assert slot.end - slot.start == timedelta(minutes=45)
