"""Dates, times, numbers and lists in the reader's language (Babel's CLDR data), in the reader's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Literal

from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal

from cocbot.bot.i18n.catalogs import Translator

# Weekday, day, month and a 24-hour time: short enough for a fact line, unambiguous in every language
# (English reads "Tue 03 Mar 14:00", Spanish "mar 03 mar 14:00", German "Di. 03 März 14:00").
MOMENT = "EEE dd MMM HH:mm"


def moment(at: datetime, tr: Translator, tz: tzinfo | None = None) -> str:
    """A moment with its zone's abbreviation, for texts that cannot carry a per-reader time."""
    local = at.astimezone(tz) if tz is not None else at
    return f"{format_datetime(local, MOMENT, locale=tr.locale)} {local.tzname() or ''}".rstrip()


def day(d: date | datetime, tr: Translator) -> str:
    return format_date(d, "medium", locale=tr.locale)


def number(n: float, tr: Translator) -> str:
    """1.5 → "1.5" in English, "1,5" in Spanish; whole numbers without decimals."""
    return _number(n, tr.locale)


# Babel parses the pattern and looks up the locale's symbols on every call, and the same few numbers (the
# policy's hours and days) are formatted into every report's confirmations: remembered per language.
@lru_cache(maxsize=512, typed=True)
def _number(n: float, locale: str) -> str:
    return format_decimal(n, format="#,##0.##", locale=locale)


ListStyle = Literal["standard", "standard-short", "or", "or-short", "unit", "unit-short", "unit-narrow"]


def items(values: Sequence[str], tr: Translator, style: ListStyle = "standard") -> str:
    """"a, b and c" / "a, b y c" / "a, b et c"."""
    return format_list(list(values), style=style, locale=tr.locale) if values else ""
