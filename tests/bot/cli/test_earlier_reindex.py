"""`cocbot earlier reindex`: reports stored before the people index are indexed, once."""

from __future__ import annotations

from datetime import datetime, timezone

from cocbot.bot.cli.earlier import reindex
from cocbot.storage import earlier as earlier_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport
from tests.harness import make_config

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


async def test_reports_stored_before_the_index_are_found_after_a_reindex(db: Database) -> None:
    async with db.transaction() as session:
        for n in range(3):
            await reports_q.create_report(session, NewReport(
                idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named", reporter="UR",
                description="x", implicated=("UMALLORY",) if n < 2 else ("UOTHER",)), NOW)
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False) == []
    assert await reindex(db, make_config(), batch=2) == 3
    assert await reindex(db, make_config()) == 3  # again: nothing added twice
    async with db.transaction() as session:
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False) == [1, 2]
