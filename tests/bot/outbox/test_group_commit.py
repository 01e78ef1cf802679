"""Rows that finish together are marked done in one transaction; one failing write holds back no other."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem
from cocbot.storage.outbox import ClaimedItem

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def rows(db: Database) -> dict[str, tuple[str, int, str | None]]:
    async with db.transaction() as session:
        result = await session.execute(select(col(OutboxItem.key), col(OutboxItem.status), col(OutboxItem.attempts),
                                              col(OutboxItem.last_error)))
        return {key: (status, attempts, error) for key, status, attempts, error in result.all()}


async def queued(sqlite_url: str, n: int) -> tuple[Database, OutboxWorker]:
    """A database holding `n` notes due now, and a worker that may handle them all at once."""
    db = Database(sqlite_url)
    await db.create_schema()
    async with db.transaction() as session:
        await outbox_q.enqueue_many(session, [outbox_q.NewItem(key=f"row{i}", kind="note") for i in range(n)],
                                    now=NOW)
    return db, OutboxWorker(db, ManualClock(NOW), concurrency=8)


async def test_rows_finishing_together_share_a_commit_and_a_failing_write_is_retried_alone(sqlite_url: str) -> None:
    db, worker = await queued(sqlite_url, 6)
    release = asyncio.Event()
    started = 0

    async def handler(item: ClaimedItem) -> dict[str, Any] | Done:
        nonlocal started
        started += 1
        await release.wait()  # every handler finishes at the same moment

        async def write(session: AsyncSession) -> None:
            if item.key == "row3":
                raise RuntimeError("this row's own write fails")

        return Done({"key": item.key}, also=write)

    worker.register("note", handler)
    round_ = asyncio.create_task(worker.run_once())
    while started < 6:
        await asyncio.sleep(0)
    release.set()
    assert await round_ == 6
    state = await rows(db)
    assert {k: v[0] for k, v in state.items()} == {f"row{i}": "done" for i in range(6) if i != 3} | {"row3": "pending"}
    assert state["row3"][1:] == (1, "RuntimeError")  # retried later, counted, with the reason
    assert all(state[f"row{i}"][1] == 1 for i in range(6) if i != 3)  # each marked done exactly once
    await db.dispose()


async def test_rows_finishing_together_are_marked_done_in_fewer_transactions_than_rows(sqlite_url: str) -> None:
    db, worker = await queued(sqlite_url, 8)
    release = asyncio.Event()
    started = 0

    async def handler(item: ClaimedItem) -> dict[str, Any]:
        nonlocal started
        started += 1
        await release.wait()
        return {"key": item.key}

    worker.register("note", handler)
    commits = 0

    def count(_conn: Any) -> None:
        nonlocal commits
        commits += 1

    event.listen(db.engine.sync_engine, "commit", count)
    round_ = asyncio.create_task(worker.run_once())
    while started < 8:
        await asyncio.sleep(0)
    commits = 0
    release.set()
    assert await round_ == 8
    assert {v[0] for v in (await rows(db)).values()} == {"done"}
    assert all(v[1] == 1 for v in (await rows(db)).values())
    assert commits < 8
    await db.dispose()
