"""The transparency report's figures, from statistics rows alone (pure functions, tested as tables).

Small counts identify people: a count from 1 to `min_count - 1` is replaced by "fewer than N", and a
time or a share computed over fewer than `min_count` cases is not given at all. Nothing here ever holds a
reference, a name, an id or a day: the rows have none, and the period is whole months.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from cocbot.bot.i18n import Translator
from cocbot.bot.transparency import texts
from cocbot.storage.statistics import Statistic


@dataclass(frozen=True)
class Cell:
    """One figure: `value` when it may be shown, else None with `shown` saying why ("fewer than 3")."""

    label: str
    value: float | int | None
    shown: str


@dataclass(frozen=True)
class Section:
    title: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Figures:
    first_month: str
    last_month: str
    min_count: int
    sections: tuple[Section, ...]
    note: str


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks (as numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def count_cell(tr: Translator, label: str, n: int, min_count: int) -> Cell:
    if 0 < n < min_count:
        return Cell(label, None, texts.fewer_than(tr, min_count))
    return Cell(label, n, str(n))


def _counts(tr: Translator, counter: Counter[str], min_count: int) -> tuple[Cell, ...]:
    # By label, not by size: the order of the hidden cells would say which is larger.
    return tuple(count_cell(tr, label, n, min_count) for label, n in sorted(counter.items()))


def _hours(tr: Translator, label: str, seconds: Sequence[int], q: float, min_count: int) -> Cell:
    if len(seconds) < min_count:
        return Cell(label, None, texts.too_few_cases(tr, min_count))
    hours = round(percentile([s / 3600 for s in seconds], q), 1)
    return Cell(label, hours, texts.hours(tr, hours))


def _share(tr: Translator, label: str, flags: Sequence[bool], min_count: int) -> Cell:
    if len(flags) < min_count:
        return Cell(label, None, texts.too_few_cases(tr, min_count))
    percent = round(100 * sum(flags) / len(flags))
    return Cell(label, percent, texts.percent(tr, percent))


def compute(tr: Translator, rows: Iterable[Statistic], *, first_month: str, last_month: str,
            min_count: int) -> Figures:
    kept = [r for r in rows if not r.held]
    no_category, no_outcome = texts.not_assessed(tr), texts.no_decision(tr)
    received = (count_cell(tr, texts.all_reports(tr), len(kept), min_count),)
    by_source = _counts(tr, Counter(r.source for r in kept), min_count)
    by_anonymity = _counts(tr, Counter(r.anonymity for r in kept), min_count)
    by_category = _counts(tr, Counter(r.category or no_category for r in kept), min_count)
    outcomes = _counts(tr, Counter(r.outcome or no_outcome for r in kept), min_count)
    bans = (count_cell(tr, texts.bans_issued(tr), sum(1 for r in kept if r.ban_issued), min_count),)
    ack = [r.acknowledge_seconds for r in kept if r.acknowledge_seconds is not None]
    resp = [r.respond_seconds for r in kept if r.respond_seconds is not None]
    times = (
        _hours(tr, texts.ack_median(tr), ack, 50, min_count),
        _hours(tr, texts.ack_p90(tr), ack, 90, min_count),
        _hours(tr, texts.respond_median(tr), resp, 50, min_count),
        _hours(tr, texts.respond_p90(tr), resp, 90, min_count),
    )
    promises = (
        _share(tr, texts.ack_within_promise(tr),
               [r.acknowledged_within_promise for r in kept if r.acknowledged_within_promise is not None], min_count),
        _share(tr, texts.responded_within_week(tr),
               [r.responded_within_week for r in kept if r.responded_within_week is not None], min_count),
    )
    sections = (
        Section(texts.section_received(tr), received),
        Section(texts.section_source(tr), by_source),
        Section(texts.section_anonymity(tr), by_anonymity),
        Section(texts.section_category(tr), by_category),
        Section(texts.section_outcomes(tr), (*outcomes, *bans)),
        Section(texts.section_times(tr), times),
        Section(texts.section_promises(tr), promises),
    )
    return Figures(first_month, last_month, min_count, sections, texts.privacy_note(tr, min_count))
