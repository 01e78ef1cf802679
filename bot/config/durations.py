"""Durations as people write them, one grammar for the config, `/onduty take 2h` and the simulator's steps."""

from __future__ import annotations

import re
from datetime import timedelta

# `min` before `m`, and no letter may follow a unit, so that "2 hours" or "5mins" is refused, not half-read.
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(min|w|d|h|m|s)(?![a-z])")
_UNIT = {"w": "weeks", "d": "days", "h": "hours", "min": "minutes", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`2h`, `90m`, `45min`, `1h30m`, `1.5h`, `1d 2h`, `7d`, `1w`, `30s` → a timedelta.

    Raises ValueError naming what was typed; callers say what a zero or negative duration means to them."""
    t = str(text).strip().lower()
    parts = _PART.findall(t)
    units = [_UNIT[unit] for _, unit in parts]
    # Each unit once: "2h 3h" is two durations, not five hours.
    if not parts or _PART.sub("", t).strip() or len(set(units)) != len(units):
        raise ValueError(f"{text!r} is not a duration like 24h, 7d, 90m or 1h30m")
    total = timedelta()
    for number, unit in parts:
        total += timedelta(**{_UNIT[unit]: float(number)})
    return total
