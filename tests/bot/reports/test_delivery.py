"""Report delivery works out a report's placement (committee space, messenger, blocked people) once per outbox
row, and settles its space in one place shared with triage's move after a recusal."""

from __future__ import annotations

from typing import Any

import pytest

from cocbot.bot.reports.privacy import Placement
from cocbot.storage import reports as reports_q
from cocbot.storage.reports import ReportRecord
from tests.harness import ESCALATION, Harness


def _count_placements(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    gate = bot.runtime.worker.handlers["deliver_report"].__self__.gate  # type: ignore[attr-defined]
    placed: list[str] = []
    real = gate.place

    def place(report: ReportRecord) -> Placement:
        placed.append(report.ref)
        return real(report)

    monkeypatch.setattr(gate, "place", place)
    return placed


async def test_one_placement_per_report_delivery(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    placed = _count_placements(bot, monkeypatch)
    ref = await bot.report()
    await bot.drain()
    # Routing, the gate's check of the post and the post itself all use the one placement.
    assert placed == [ref]


async def test_a_held_report_is_a_value_not_an_exception(bot: Harness) -> None:
    deliveries: Any = bot.runtime.worker.handlers["deliver_report"].__self__  # type: ignore[attr-defined]
    ref = await bot.report(exclude=["UALICE", "UBOB", "UCAROL"], implicated=[ESCALATION])
    await bot.drain()
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None and report.delivery_state == "held"
    # Routing again decides the same, and says so as data.
    placed = await deliveries.settle_space(report, deliveries.gate.place(report))
    assert placed.held and placed.report.space_channel is None
    assert bot.fake.who_saw("made me uncomfortable") == set()
