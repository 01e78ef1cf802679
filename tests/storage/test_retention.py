"""The purge's queries on SQLite: each batch reads its own rows through an index, whatever the history holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from cocbot.storage import retention as retention_q
from cocbot.storage.db import Database
from tests.bot.retention.support import NOW, seed_case


async def test_a_batchs_traces_read_its_outbox_rows_by_report_id(sqlite_db: Database) -> None:
    """Asked for delivered rows (`status = 'done'`), SQLite chose the outbox's (status, due) index and read every
    delivered row of the whole history for each batch: a purge of a long history took quadratic time."""
    rid, _ = await seed_case(sqlite_db, 1, "MARK")
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM outbox" in statement:
            seen.append((statement, parameters))

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sqlite_db.transaction() as session:
            batch = await retention_q.mark(session, [rid], now=NOW)
            assert batch is not None
            assert [t.report_id for t in await retention_q.traces(session, batch)] == [rid]
            assert seen
            sync = (await session.connection()).sync_connection
            assert sync is not None and sync.connection.dbapi_connection is not None
            driver = sync.connection.dbapi_connection.driver_connection
            for statement, parameters in seen:
                cursor = await driver.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " ".join(str(row[-1]) for row in await cursor.fetchall())
                assert "ix_outbox_report_id" in plan, plan
                assert "ix_outbox_due" not in plan and "SCAN outbox" not in plan, plan
    finally:
        event.remove(sqlite_db.engine.sync_engine, "before_cursor_execute", record)

