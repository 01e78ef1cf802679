"""The composition root: every outbox kind that sends goes through one privacy gate, and report and triage
delivery share one Deliveries (one placement rule)."""

from __future__ import annotations

from typing import Any

from tests.harness import Harness


def _owner(bot: Harness, kind: str) -> Any:
    return bot.runtime.worker.handlers[kind].__self__  # type: ignore[attr-defined]


async def test_one_gate_and_one_deliveries_serve_every_outbox_kind(bot: Harness) -> None:
    deliveries = _owner(bot, "deliver_report")
    assert _owner(bot, "triage_move").deliveries is deliveries
    kinds = ("deliver_report", "reminder_ack", "triage_move", "duty_announce")
    assert {id(_owner(bot, kind).gate) for kind in kinds} == {id(deliveries.gate)}
    assert deliveries.gate.config is bot.runtime.config
    assert bot.runtime.services.triage is not None and bot.runtime.services.duty is not None
