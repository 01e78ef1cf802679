"""The delivery worker never sleeps through a wake-up (found by bench/run.py: a report waited a whole poll)."""

from __future__ import annotations

import asyncio
from typing import Any

from cocbot.bot.clock import SystemClock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


async def test_a_commit_landing_while_the_worker_looks_for_the_next_due_row_is_delivered_at_once(
        sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    clock = SystemClock()
    # A poll far longer than the wait below: only the wake-up can deliver the row in time.
    worker = OutboxWorker(db, clock, poll_seconds=600)
    delivered = asyncio.Event()

    async def handler(item: ClaimedItem) -> dict[str, Any]:
        delivered.set()
        return {}

    worker.register("note", handler)
    looked = worker._claim_round
    raced = False

    async def commit_lands_meanwhile(limit: int) -> tuple[list[ClaimedItem], float | None]:
        # The claim found nothing due and a wait until the next row; a report is committed (and notifies)
        # before the worker sleeps.
        nonlocal raced
        claimed = await looked(limit)
        if not raced:
            assert claimed == ([], 600)
            raced = True
            async with db.transaction() as session:
                await outbox_q.enqueue(session, key="note:1", kind="note", now=clock.now())
            worker.notify()
        return claimed

    worker._claim_round = commit_lands_meanwhile  # type: ignore[method-assign]
    worker.start()
    try:
        await asyncio.wait_for(delivered.wait(), timeout=20)
    finally:
        await worker.stop()
        await db.dispose()


async def test_stop_lets_the_round_in_flight_finish() -> None:
    """Stopping waits for a delivery in progress instead of cancelling it mid-call."""
    import asyncio as _asyncio

    from cocbot.bot.clock import ManualClock
    from cocbot.bot.outbox.worker import OutboxWorker
    from cocbot.storage import outbox as outbox_q
    from cocbot.storage.db import Database

    db = Database("sqlite+aiosqlite:///:memory:")
    await db.create_schema()
    clock = ManualClock()
    worker = OutboxWorker(db, clock, poll_seconds=0.05)
    started, finished = _asyncio.Event(), []

    async def slow(item: object) -> dict:
        started.set()
        await _asyncio.sleep(0.2)
        finished.append(item)
        return {}

    worker.register("slow", slow)
    async with db.transaction() as session:
        await outbox_q.enqueue(session, key="k", kind="slow", now=clock.now())
    worker.start()
    await _asyncio.wait_for(started.wait(), timeout=10)
    await worker.stop()
    assert len(finished) == 1
    async with db.transaction() as session:
        assert await outbox_q.counts(session) == {"done": 1}
    await db.dispose()
