"""OutboxWorker.register(with_report=True): the rows' reports are read in the claim's transaction."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def test_kinds_registered_with_report_get_it_read_at_claim_others_do_not(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    async with db.transaction() as session:
        report, _ = await reports_q.create_report(session, NewReport(
            idempotency_key="k1", platform="slack", source="command", anonymity="confidential",
            reporter="UREPORTER", description="Read with the claim"), NOW)
        await outbox_q.enqueue_many(session, [
            outbox_q.NewItem(key="a", kind="wants", report_id=report.id),
            outbox_q.NewItem(key="b", kind="plain", report_id=report.id),
            outbox_q.NewItem(key="c", kind="wants", report_id=report.id + 1000),  # no such report
        ], now=NOW)
    worker = OutboxWorker(db, ManualClock(NOW))
    seen: dict[str, Any] = {}

    async def handler(item: ClaimedItem) -> dict[str, Any]:
        seen[item.key] = item.report
        return {}

    worker.register("wants", handler, with_report=True)
    worker.register("plain", handler)
    assert await worker.drain() == 3
    assert seen["a"] == report and seen["a"].description == "Read with the claim"
    assert seen["b"] is None and seen["c"] is None
    await db.dispose()
