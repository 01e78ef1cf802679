"""The one duration grammar the config, `/onduty take` and the simulator's steps share."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cocbot.bot.config.durations import parse_duration

GOOD = [("2h", timedelta(hours=2)), ("90m", timedelta(minutes=90)), ("45min", timedelta(minutes=45)),
        ("1h30m", timedelta(minutes=90)), ("1h 30m", timedelta(minutes=90)), ("1.5h", timedelta(minutes=90)),
        ("1d 2h", timedelta(hours=26)), ("7d", timedelta(days=7)), ("1w", timedelta(weeks=1)),
        ("30s", timedelta(seconds=30)), (" 2 H ", timedelta(hours=2)), ("0h", timedelta(0))]


@pytest.mark.parametrize("text,expected", GOOD)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "h", "soon", "two hours", "2 hours", "5mins", "1h 30", "-2h", "2h!",
                                  "2h 3h", "90m 5min"])
def test_what_is_not_a_duration_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration like 24h"):
        parse_duration(text)
