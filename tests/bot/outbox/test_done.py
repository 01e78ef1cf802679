"""A handler's `Done` writes are committed with the row's `done`, or not at all (then the row is retried)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


async def _status(db: Database, key: str) -> tuple[str, int]:
    async with db.transaction() as s:
        row = (await s.execute(text("SELECT status, attempts FROM outbox WHERE key = :k"), {"k": key})).one()
    return row[0], row[1]


async def test_done_writes_commit_with_the_row_and_a_failing_write_retries_the_row(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    clock = ManualClock()
    worker = OutboxWorker(db, clock)
    fail = True

    async def handler(item: ClaimedItem) -> Any:
        async def also(session: AsyncSession) -> None:
            if fail and item.key == "note:bad":
                raise RuntimeError("disk full")
            await outbox_q.enqueue(session, key=f"{item.key}:after", kind="after", now=clock.now(),
                                   due_at=clock.now() + clock_offset)
        return Done({"ok": True}, also=also)

    clock_offset = timedelta(days=1)  # the rows `also` adds are not due during this test
    worker.register("note", handler)
    try:
        async with db.transaction() as s:
            await outbox_q.enqueue(s, key="note:good", kind="note", now=clock.now())
            await outbox_q.enqueue(s, key="note:bad", kind="note", now=clock.now())
        assert await worker.run_once() == 2
        assert await _status(db, "note:good") == ("done", 1)
        async with db.transaction() as s:
            assert await outbox_q.item_status(s, "note:good") == ("done", {"ok": True})
            assert await outbox_q.item_status(s, "note:good:after") is not None
            # The failed write left nothing behind and the row is pending again, its attempt counted.
            assert await outbox_q.item_status(s, "note:bad:after") is None
        assert await _status(db, "note:bad") == ("pending", 1)
        fail = False
        clock.advance(hours=1)
        assert await worker.run_once() == 1
        assert await _status(db, "note:bad") == ("done", 2)
    finally:
        await db.dispose()
