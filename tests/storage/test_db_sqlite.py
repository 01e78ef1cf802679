"""SQLite under concurrent units of work: queued in the process, never "database is locked"."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def schema_at(url: str) -> Database:
    db = Database(url)
    await db.create_schema()
    return db


async def status_of(db: Database, key: str) -> tuple[str, dict[str, Any] | None] | None:
    """The outbox row's status, read in a transaction of its own."""
    async with db.transaction() as session:
        return await outbox_q.item_status(session, key)


async def test_concurrent_read_then_write_transactions_all_commit(sqlite_url: str) -> None:
    db = await schema_at(sqlite_url)
    async with db.transaction() as session:
        await outbox_q.enqueue(session, key="counter", kind="note", now=NOW)

    async def bump() -> None:
        # Read, then write: the shape that makes SQLite fail at once when another writer got in between.
        async with db.transaction() as session:
            query = select(col(OutboxItem.attempts)).where(col(OutboxItem.key) == "counter")
            attempts = (await session.execute(query)).scalar_one()
            await asyncio.sleep(0)
            await session.execute(
                update(OutboxItem).where(col(OutboxItem.key) == "counter").values(attempts=attempts + 1))

    await asyncio.gather(*(bump() for _ in range(50)))
    async with db.transaction() as session:
        query = select(col(OutboxItem.attempts)).where(col(OutboxItem.key) == "counter")
        assert (await session.execute(query)).scalar_one() == 50
    await db.dispose()


async def test_a_transaction_opened_inside_another_in_the_same_task_does_not_wait_for_itself(sqlite_url: str) -> None:
    db = await schema_at(sqlite_url)
    async with db.transaction() as outer:
        await outbox_q.enqueue(outer, key="outer", kind="note", now=NOW)
        async with db.transaction() as inner:
            await inner.execute(select(col(OutboxItem.id)).limit(1))
    assert await status_of(db, "outer") is not None
    await db.dispose()


async def test_sqlite_statements_run_on_the_event_loops_thread_and_writes_still_commit(sqlite_url: str) -> None:
    """Statements skip aiosqlite's thread hand-off (storage/db.InlineSQLite); commits still persist."""
    import threading

    from sqlalchemy import text

    db = await schema_at(sqlite_url)
    async with db.transaction() as session:
        sync = (await session.connection()).sync_connection
        assert sync is not None
        raw = sync.connection.dbapi_connection
        assert raw is not None
        await raw.driver_connection.create_function("thread_id", 0, threading.get_ident)
        assert (await session.execute(text("SELECT thread_id()"))).scalar_one() == threading.get_ident()
        await outbox_q.enqueue(session, key="inline", kind="note", now=NOW)
    await db.dispose()
    again = Database(sqlite_url)  # a fresh engine: the row was committed to the file
    assert await status_of(again, "inline") == ("pending", None)
    await again.dispose()


async def test_a_write_waits_for_another_processes_lock_off_the_event_loop(sqlite_url: str) -> None:
    """The loop keeps running while a write waits for the lock, and the write succeeds once it is let go."""
    from tests.fakes.sqlite_lock import OtherWriter, sqlite_path

    db = await schema_at(sqlite_url)

    async def write() -> None:
        async with db.transaction() as session:
            await outbox_q.enqueue(session, key="waited", kind="note", now=NOW)

    with OtherWriter(sqlite_path(sqlite_url)) as other:
        waiting = asyncio.create_task(write())
        # This coroutine only runs again if the loop is free. Had the write waited on the loop's thread,
        # it would have come back after SQLite's busy timeout, with the lock still held and the write failed.
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert not waiting.done()
        other.release()
        await waiting
    assert await status_of(db, "waited") == ("pending", None)
    await db.dispose()


async def test_a_read_is_not_held_up_by_another_processes_write_lock(sqlite_url: str) -> None:
    from tests.fakes.sqlite_lock import OtherWriter, sqlite_path

    db = await schema_at(sqlite_url)
    async with db.transaction() as session:
        await outbox_q.enqueue(session, key="there", kind="note", now=NOW)
    with OtherWriter(sqlite_path(sqlite_url)):
        assert await status_of(db, "there") == ("pending", None)  # WAL: readers never wait for the writer
    await db.dispose()


async def test_bulk_work_runs_its_statements_on_the_connections_thread(sqlite_url: str) -> None:
    """Within statements_off_loop (the purge), statements are handed to the connection's thread, so the event
    loop serves others meanwhile; what they write commits all the same."""
    import threading

    from sqlalchemy import text

    from cocbot.storage.db import statements_off_loop

    db = await schema_at(sqlite_url)
    with statements_off_loop():
        async with db.transaction() as session:
            sync = (await session.connection()).sync_connection
            assert sync is not None
            raw = sync.connection.dbapi_connection
            assert raw is not None
            await raw.driver_connection.create_function("thread_id", 0, threading.get_ident)
            assert (await session.execute(text("SELECT thread_id()"))).scalar_one() != threading.get_ident()
            await outbox_q.enqueue(session, key="off-loop", kind="note", now=NOW)
    async with db.transaction() as session:  # and back on the loop's thread after the block
        assert (await session.execute(text("SELECT thread_id()"))).scalar_one() == threading.get_ident()
    await db.dispose()
    again = Database(sqlite_url)
    assert await status_of(again, "off-loop") == ("pending", None)
    await again.dispose()
