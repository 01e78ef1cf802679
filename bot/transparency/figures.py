"""The transparency report's figures, from statistics rows alone (pure functions, tested as tables).

Small counts identify people: a count from 1 to `min_count - 1` is replaced by "fewer than N", and a
time or a share computed over fewer than `min_count` cases is not given at all. Nothing here ever holds a
reference, a name, an id or a day: the rows have none, and the period is whole months.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from collections.abc import Iterable, Mapping, Sequence

from cocbot.bot.i18n import Translator
from cocbot.bot.transparency import texts
from cocbot.storage.statistics import Ranked, Statistic, Totals, ranks_for

QUANTILES = (50, 90)


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


def ranked_percentile(ranked: Ranked, q: float) -> float:
    """`percentile` read from the two ranks the database gave (storage/statistics.totals_between)."""
    position = (ranked.count - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ranked.at[low] + (ranked.at[high] - ranked.at[low]) * (position - low)


def summarize(rows: Iterable[Statistic], quantiles: Iterable[float] = QUANTILES) -> Totals:
    """The same totals as the database computes, from rows in memory."""
    kept = [r for r in rows if not r.held]

    def ranked(values: list[int]) -> Ranked:
        ordered = sorted(values)
        return Ranked(len(ordered), {i: ordered[i] for i in ranks_for(len(ordered), quantiles)} if ordered else {})

    def share(flags: list[bool | None]) -> tuple[int, int]:
        known = [f for f in flags if f is not None]
        return sum(known), len(known)

    return Totals(
        len(kept), dict(Counter(r.source for r in kept)), dict(Counter(r.anonymity for r in kept)),
        dict(Counter(r.category for r in kept)), dict(Counter(r.outcome for r in kept)),
        sum(1 for r in kept if r.ban_issued),
        ranked([r.acknowledge_seconds for r in kept if r.acknowledge_seconds is not None]),
        ranked([r.respond_seconds for r in kept if r.respond_seconds is not None]),
        share([r.acknowledged_within_promise for r in kept]), share([r.responded_within_week for r in kept]))


def count_cell(tr: Translator, label: str, n: int, min_count: int) -> Cell:
    if 0 < n < min_count:
        return Cell(label, None, texts.fewer_than(tr, min_count))
    return Cell(label, n, str(n))


def _counts(tr: Translator, counter: Mapping[str, int], min_count: int) -> tuple[Cell, ...]:
    # By label, not by size: the order of the hidden cells would say which is larger.
    return tuple(count_cell(tr, label, n, min_count) for label, n in sorted(counter.items()))


def _named(counts: Mapping[str | None, int], missing: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in counts.items():
        out[key or missing] = out.get(key or missing, 0) + n
    return out


def _hours(tr: Translator, label: str, ranked: Ranked, q: float, min_count: int) -> Cell:
    if ranked.count < min_count:
        return Cell(label, None, texts.too_few_cases(tr, min_count))
    hours = round(ranked_percentile(ranked, q) / 3600, 1)
    return Cell(label, hours, texts.hours(tr, hours))


def _share(tr: Translator, label: str, kept_of: tuple[int, int], min_count: int) -> Cell:
    kept, total = kept_of
    if total < min_count:
        return Cell(label, None, texts.too_few_cases(tr, min_count))
    percent = round(100 * kept / total)
    return Cell(label, percent, texts.percent(tr, percent))


def compute(tr: Translator, rows: Iterable[Statistic] | Totals, *, first_month: str, last_month: str,
            min_count: int) -> Figures:
    totals = rows if isinstance(rows, Totals) else summarize(rows)
    received = (count_cell(tr, texts.all_reports(tr), totals.received, min_count),)
    by_source = _counts(tr, totals.by_source, min_count)
    by_anonymity = _counts(tr, totals.by_anonymity, min_count)
    by_category = _counts(tr, _named(totals.by_category, texts.not_assessed(tr)), min_count)
    outcomes = _counts(tr, _named(totals.by_outcome, texts.no_decision(tr)), min_count)
    bans = (count_cell(tr, texts.bans_issued(tr), totals.bans, min_count),)
    times = (
        _hours(tr, texts.ack_median(tr), totals.acknowledge, 50, min_count),
        _hours(tr, texts.ack_p90(tr), totals.acknowledge, 90, min_count),
        _hours(tr, texts.respond_median(tr), totals.respond, 50, min_count),
        _hours(tr, texts.respond_p90(tr), totals.respond, 90, min_count),
    )
    promises = (
        _share(tr, texts.ack_within_promise(tr), totals.acknowledged_in_time, min_count),
        _share(tr, texts.responded_within_week(tr), totals.responded_in_time, min_count),
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
