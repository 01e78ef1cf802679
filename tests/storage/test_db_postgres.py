"""storage/db.py on PostgreSQL: pooled connections are checked before use only after sitting idle."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy import text

from cocbot.storage.db import Database


def _count_pings(db: Database) -> list[int]:
    pings: list[int] = []
    dialect = db.engine.sync_engine.dialect
    real = dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        pings.append(1)
        return real(dbapi_connection)

    dialect.do_ping = do_ping  # type: ignore[method-assign]
    return pings


async def _backend(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_used_a_moment_ago_is_not_pinged_again(postgres_url: str) -> None:
    """asyncpg's ping is a transaction of its own (three round trips): not before every transaction."""
    db = Database(postgres_url)
    pings = _count_pings(db)
    try:
        backends = {await _backend(db) for _ in range(5)}
    finally:
        await db.dispose()
    assert len(backends) == 1 and pings == []


async def test_a_connection_that_died_while_idle_is_replaced_before_use(postgres_url: str) -> None:
    """PostgreSQL restarted, or something on the way closed an idle connection: nobody sees an error."""
    db = Database(postgres_url, idle_ping_seconds=0.2)
    pings = _count_pings(db)
    try:
        first = await _backend(db)
        killer = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await killer.execute("SELECT pg_terminate_backend($1)", first)
        finally:
            await killer.close()
        await asyncio.sleep(0.3)
        second = await _backend(db)
    finally:
        await db.dispose()
    assert second != first and len(pings) == 1
