"""Reading the times and durations a facilitator types, in their time zone (DST included)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from cocbot.bot.config.durations import parse_duration as _duration
from cocbot.bot.i18n import N_
from cocbot.bot.i18n.phrases import Phrase

UTC = timezone.utc


class DutyInputError(ValueError):
    """A specific, human message about what was typed (`phrase`: in the reader's language at the edge)."""

    @property
    def phrase(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


def shift_duration(text: str) -> timedelta:
    """How long a shift lasts, as typed after `take` (2h, 90m, 1h30m); a specific message if it is not one."""
    try:
        delta = _duration(text)
    except ValueError:
        raise DutyInputError(Phrase(N_("“%(typed)s” is not a duration. Use hours and minutes like 2h, 90m or 1h30m."),
                                    typed=text)) from None
    if delta <= timedelta(0):
        raise DutyInputError(N_("A shift has to last longer than that."))
    return delta


_DATE_TIME = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})|(today|tomorrow))[ T](\d{1,2}):(\d{2})$", re.IGNORECASE)
_TIME_ONLY = re.compile(r"^(\d{1,2}):(\d{2})$")


def _localize(day: date, hh: int, mm: int, tz: ZoneInfo, text: str) -> datetime:
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise DutyInputError(Phrase(N_("“%(typed)s” is not a time of day."), typed=text))
    naive = datetime.combine(day, time(hh, mm))
    local = naive.replace(tzinfo=tz)
    # A wall-clock time skipped by a DST change does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise DutyInputError(Phrase(N_("%(typed)s does not exist in %(zone)s: the clocks change then. Pick another "
                                       "time."), typed=text, zone=tz.key))
    # Ambiguous times (clocks going back) mean the first of the two, which fold=0 already is.
    return local.astimezone(UTC)


def parse_when(text: str, tz_name: str, now: datetime) -> datetime:
    """A moment typed as `2026-03-05 14:00`, `today 14:00`, `tomorrow 9:30` or `14:00`, in `tz_name`."""
    tz = ZoneInfo(tz_name)
    t = " ".join(text.split())
    today = now.astimezone(tz).date()
    m = _DATE_TIME.match(t)
    if m:
        if m.group(1):
            try:
                day = date.fromisoformat(m.group(1))
            except ValueError:
                raise DutyInputError(Phrase(N_("“%(typed)s” is not a date."), typed=m.group(1))) from None
        else:
            day = today + timedelta(days=1 if m.group(2).lower() == "tomorrow" else 0)
        return _localize(day, int(m.group(3)), int(m.group(4)), tz, t)
    m = _TIME_ONLY.match(t)
    if m:
        return _localize(today, int(m.group(1)), int(m.group(2)), tz, t)
    # Translators: “today” and “tomorrow” are what cocbot understands: keep them in English.
    raise DutyInputError(Phrase(N_("“%(typed)s” is not a time. Use 2026-03-05 14:00, today 14:00, tomorrow 9:30 or "
                                   "14:00."), typed=text))


def parse_window(words: Sequence[str], tz_name: str, now: datetime) -> tuple[datetime, datetime]:
    """`<start> <end>` where each is one of parse_when's forms and the end may be a duration (2h)."""
    words = list(words)
    if not words:
        raise DutyInputError(N_("Say when the shift starts and ends, e.g. 2026-03-05 14:00 16:00 or today 14:00 2h."))
    for n in (2, 1):
        if len(words) <= n - 1:
            continue
        try:
            start = parse_when(" ".join(words[:n]), tz_name, now)
        except DutyInputError:
            continue
        rest = words[n:]
        if not rest:
            raise DutyInputError(N_("Say when the shift ends too: an end time like 16:00 or a duration like 2h."))
        end_text = " ".join(rest)
        try:
            end = start + shift_duration(end_text)
        except DutyInputError:
            if _TIME_ONLY.match(end_text):
                # A bare end time is on the start's day, or the next morning ("23:00 01:00").
                day = start.astimezone(ZoneInfo(tz_name)).date()
                end = parse_when(f"{day.isoformat()} {end_text}", tz_name, now)
                if end <= start:
                    end = parse_when(f"{(day + timedelta(days=1)).isoformat()} {end_text}", tz_name, now)
            else:
                end = parse_when(end_text, tz_name, now)
        return start, end
    return parse_when(" ".join(words[:2]), tz_name, now), now  # raises the specific message



def iso(at: datetime) -> str:
    """A moment as outbox payloads and idempotency keys spell it."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
