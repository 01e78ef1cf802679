"""SQLite under concurrent units of work: queued in the process, never "database is locked"."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy import select, update

from storage import outbox as outbox_q
from storage.db import Database
from storage.models import OutboxItem

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def test_concurrent_read_then_write_transactions_all_commit(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    async with db.transaction() as session:
        await outbox_q.enqueue(session, key="counter", kind="note", now=NOW)

    async def bump() -> None:
        # Read, then write: the shape that makes SQLite fail at once when another writer got in between.
        async with db.transaction() as session:
            attempts = (await session.execute(select(OutboxItem.attempts).where(OutboxItem.key == "counter"))).scalar_one()
            await asyncio.sleep(0)
            await session.execute(update(OutboxItem).where(OutboxItem.key == "counter").values(attempts=attempts + 1))

    await asyncio.gather(*(bump() for _ in range(50)))
    async with db.transaction() as session:
        assert (await session.execute(select(OutboxItem.attempts).where(OutboxItem.key == "counter"))).scalar_one() == 50
    await db.dispose()


async def test_a_transaction_opened_inside_another_in_the_same_task_does_not_wait_for_itself(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    async with db.transaction() as outer:
        await outbox_q.enqueue(outer, key="outer", kind="note", now=NOW)
        async with db.transaction() as inner:
            await inner.execute(select(OutboxItem.id).limit(1))
    async with db.transaction() as session:
        assert await outbox_q.item_status(session, "outer") is not None
    await db.dispose()
