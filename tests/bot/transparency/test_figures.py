"""The transparency figures as tables: percentiles, small-count suppression, and nothing identifying."""

from __future__ import annotations

import json
import re

import pytest

from cocbot.bot.i18n import english
from cocbot.bot.transparency import render
from cocbot.bot.transparency.figures import compute, percentile
from cocbot.storage.statistics import Statistic

H = 3600


def row(month: str = "2026-03", source: str = "slash_command", anonymity: str = "named",
        category: str | None = "harassment", outcome: str | None = None, ban: bool = False,
        ack: int | None = None, respond: int | None = None, ack_ok: bool | None = None,
        resp_ok: bool | None = None, held: bool = False) -> Statistic:
    return Statistic(month, source, anonymity, category, outcome, ban, ack, respond, ack_ok, resp_ok, held)


@pytest.mark.parametrize("values, q, expected", [
    ([5], 50, 5), ([5], 90, 5),
    ([1, 2, 3], 50, 2), ([1, 2, 3, 4], 50, 2.5),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1), ([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 50, 5.5),
    ([0, 100], 90, 90), ([4, 4, 4, 4], 90, 4),
])
def test_percentiles_interpolate_between_closest_ranks(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def cells(figures: object) -> dict[str, str]:
    return {c.label: c.shown for s in figures.sections for c in s.cells}  # type: ignore[attr-defined]


@pytest.mark.parametrize("n, min_count, shown", [
    (0, 3, "0"), (1, 3, "fewer than 3"), (2, 3, "fewer than 3"), (3, 3, "3"), (4, 3, "4"),
    (4, 5, "fewer than 5"), (5, 5, "5"), (1, 1, "1"),
])
def test_counts_from_one_to_below_min_count_are_hidden(n: int, min_count: int, shown: str) -> None:
    figures = compute(english(), [row(source="discourse_form") for _ in range(n)] + [row() for _ in range(5)],
                      first_month="2026-01", last_month="2026-12", min_count=min_count)
    by_source = next(s for s in figures.sections if s.title == "By how they were filed")
    assert {c.label: c.shown for c in by_source.cells}.get("discourse_form", "0") == shown


def test_times_and_shares_need_enough_cases_and_held_reports_do_not_count() -> None:
    rows = [row(ack=h * H, respond=24 * h * H, ack_ok=h <= 3, resp_ok=True) for h in (1, 2, 3, 4, 10)]
    rows.append(row(ack=1000 * H, ack_ok=False, held=True))
    found = cells(compute(english(), rows, first_month="2026-01", last_month="2026-12", min_count=3))
    assert found["Reports received"] == "5"
    assert found["Time to acknowledge, median"] == "3.0 hours"
    assert found["Time to acknowledge, 90th percentile"] == "7.6 hours"
    assert found["Time to respond, median"] == "72.0 hours"
    assert found["Acknowledged within the promised time"] == "60%"
    assert found["Responded to within a week of acknowledgement"] == "100%"
    few = cells(compute(english(), rows[:2], first_month="2026-01", last_month="2026-12", min_count=3))
    assert few["Time to acknowledge, median"] == "not shown (fewer than 3 cases)"
    assert few["Acknowledged within the promised time"] == "not shown (fewer than 3 cases)"
    assert few["Reports received"] == "fewer than 3"


def test_outcomes_bans_and_categories_are_counted() -> None:
    rows = [row(outcome="temporary_ban", ban=True) for _ in range(3)] + [row(outcome=None, category=None)] * 4
    found = cells(compute(english(), rows, first_month="2026-01", last_month="2026-12", min_count=3))
    assert found["temporary_ban"] == "3" and found["no decision yet"] == "4"
    assert found["Bans issued (including temporary breaks)"] == "3"
    assert found["harassment"] == "3" and found["not assessed yet"] == "4"


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_no_reference_id_or_day_appears_and_the_output_says_so(fmt: str) -> None:
    rows = [row(month=f"2026-0{m}", ack=7 * H, respond=50 * H, ack_ok=True, resp_ok=False) for m in (1, 2, 3, 3)]
    figures = compute(english(), rows, first_month="2026-01", last_month="2026-12", min_count=3)
    out = render.render(english(), figures, fmt, "Example community")
    assert not re.search(r"R-\d+", out)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", out)  # months only, never a day
    assert not re.search(r"\b[UWCGD][A-Z0-9]{6,}\b", out)  # no Slack ids
    assert "no reference, name, id or day-level date" in out
    assert "fewer than 3" in out
    if fmt == "json":
        assert json.loads(out)["period"] == {"first_month": "2026-01", "last_month": "2026-12"}


def test_the_direct_message_holds_figures_only() -> None:
    figures = compute(english(), [row() for _ in range(4)], first_month="2026-01", last_month="2026-12",
                      min_count=3)
    message = render.message(english(), figures, "Example")
    assert not message.carries_report_content
