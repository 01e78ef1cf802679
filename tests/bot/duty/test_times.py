"""Reading typed times and durations: time zones, DST gaps and overlaps, end times and durations."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cocbot.bot.duty import times as duty_times

from tests.bot.duty.support import T0, UTC

WHEN = [
    ("2026-03-05 14:00", "Europe/Berlin", datetime(2026, 3, 5, 13, 0, tzinfo=UTC)),
    ("2026-07-05 14:00", "Europe/Berlin", datetime(2026, 7, 5, 12, 0, tzinfo=UTC)),  # summer time
    ("2026-03-05T14:00", "America/New_York", datetime(2026, 3, 5, 19, 0, tzinfo=UTC)),
    ("today 14:00", "UTC", datetime(2026, 3, 2, 14, 0, tzinfo=UTC)),
    ("tomorrow 9:30", "UTC", datetime(2026, 3, 3, 9, 30, tzinfo=UTC)),
    ("15:45", "Asia/Kolkata", datetime(2026, 3, 2, 10, 15, tzinfo=UTC)),
    # clocks go back in Berlin on 2026-10-25: 02:30 happens twice; the first is meant
    ("2026-10-25 02:30", "Europe/Berlin", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize("text,tz,expected", WHEN)
def test_parse_when(text: str, tz: str, expected: datetime) -> None:
    assert duty_times.parse_when(text, tz, T0) == expected


BAD_WHEN = [
    ("2026-03-29 02:30", "Europe/Berlin", "does not exist in Europe/Berlin"),  # skipped by spring forward
    ("2026-02-30 10:00", "UTC", "is not a date"),
    ("25:00", "UTC", "is not a time of day"),
    ("soon", "UTC", "is not a time"),
]


@pytest.mark.parametrize("text,tz,message", BAD_WHEN)
def test_parse_when_errors(text: str, tz: str, message: str) -> None:
    with pytest.raises(duty_times.DutyInputError, match=message):
        duty_times.parse_when(text, tz, T0)


DURATIONS = [("2h", timedelta(hours=2)), ("90m", timedelta(minutes=90)), ("1h30m", timedelta(minutes=90)),
             ("1.5h", timedelta(minutes=90)), ("45min", timedelta(minutes=45))]


@pytest.mark.parametrize("text,expected", DURATIONS)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert duty_times.shift_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "two hours", "0h", "h"])
def test_parse_duration_errors(text: str) -> None:
    with pytest.raises(duty_times.DutyInputError):
        duty_times.shift_duration(text)


WINDOWS = [
    (["2026-03-05", "14:00", "16:00"], (datetime(2026, 3, 5, 14, tzinfo=UTC), datetime(2026, 3, 5, 16, tzinfo=UTC))),
    (["2026-03-05", "14:00", "2h"], (datetime(2026, 3, 5, 14, tzinfo=UTC), datetime(2026, 3, 5, 16, tzinfo=UTC))),
    (["today", "23:00", "01:00"], (datetime(2026, 3, 2, 23, tzinfo=UTC), datetime(2026, 3, 3, 1, tzinfo=UTC))),
    (["14:00", "2026-03-03", "10:00"], (datetime(2026, 3, 2, 14, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC))),
]


@pytest.mark.parametrize("words,expected", WINDOWS)
def test_parse_window(words: list[str], expected: tuple[datetime, datetime]) -> None:
    assert duty_times.parse_window(words, "UTC", T0) == expected


def test_a_night_shift_across_the_spring_forward_is_an_hour_shorter() -> None:
    start, end = duty_times.parse_window(["2026-03-29", "01:00", "04:00"], "Europe/Berlin", T0)
    assert (start, end) == (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))
    start, end = duty_times.parse_window(["2026-10-25", "01:00", "04:00"], "Europe/Berlin", T0)
    assert end - start == timedelta(hours=4)  # and an hour longer when the clocks go back
