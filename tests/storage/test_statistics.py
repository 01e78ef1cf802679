"""Statistics rows on SQLite and PostgreSQL: written from live cases at each triage step, idempotent,
content-free, and kept when their report is gone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlmodel import SQLModel, col

from cocbot.bot.transparency.statistics import keeper
from cocbot.bot.triage.rules import DecisionDraft, Outcome
from cocbot.storage import statistics as statistics_q
from cocbot.storage.models import Report
from cocbot.storage.db import Database
from cocbot.storage.statistics import CaseStatistic
from tests.handlers.slack.triage_support import acknowledged_report, file_report, stored
from tests.harness import Harness


async def _rows(bot: Harness) -> list[CaseStatistic]:
    async with bot.runtime.db.transaction() as session:
        return list((await session.execute(select(CaseStatistic).order_by(col(CaseStatistic.report_id))))
                    .scalars().all())


async def test_rows_follow_the_case_and_refresh_is_idempotent(engine_bot: Harness) -> None:
    bot = engine_bot
    ref, channel, _ = await file_report(bot, description="Statistics case")
    triage = bot.runtime.services.triage
    bot.clock.advance(hours=2)
    assert (await triage.acknowledge(ref, "UALICE", channel)).ok
    [row] = await _rows(bot)
    assert (row.month, row.acknowledge_seconds, row.acknowledged_within_promise) == ("2026-03", 7200, True)
    assert row.outcome is None and row.respond_seconds is None
    bot.clock.advance(days=8)
    draft = DecisionDraft(Outcome.TEMPORARY_BAN, "Decided.", ban_subjects=("UMALLORY",), ban_scope="all spaces",
                          ban_until=bot.clock.now() + timedelta(days=30))
    assert (await triage.decide(ref, "UALICE", draft, "stat-decision")).ok
    [row] = await _rows(bot)
    assert row.outcome == "temporary_ban" and row.ban_issued
    assert row.respond_seconds == 2 * 3600 + 8 * 86400 and row.responded_within_week is False
    report = await stored(bot, ref)
    keep = keeper(bot.config)
    async with bot.runtime.db.transaction() as session:
        assert await keep(session, [report.id, report.id]) == 1
        assert await keep(session, [report.id]) == 1
    again = await _rows(bot)
    assert [(r.report_id, r.outcome, r.respond_seconds) for r in again] == [(report.id, "temporary_ban",
                                                                              row.respond_seconds)]


async def test_a_row_outlives_its_report(engine_bot: Harness) -> None:
    bot = engine_bot
    report = await acknowledged_report(bot, "Purged later")
    async with bot.runtime.db.transaction() as session:
        # As a purge would: every row pointing at the report, then the report.
        for table in reversed(SQLModel.metadata.sorted_tables):
            if "report_id" in table.columns and table.name != "case_statistics":
                await session.execute(delete(table).where(table.c.report_id == report.id))
        await session.execute(delete(Report).where(col(Report.id) == report.id))
        assert await statistics_q.refresh(session, [report.id]) == 0
    [row] = await _rows(bot)
    assert row.report_id == report.id and row.acknowledge_seconds is not None
    async with bot.runtime.db.transaction() as session:
        assert len(await statistics_q.rows_between(session, "2026-01", "2026-12")) == 1
        assert await statistics_q.rows_between(session, "2026-04", "2026-12") == []


def test_the_table_holds_no_content_or_people() -> None:
    columns = set(CaseStatistic.__table__.columns.keys())  # type: ignore[attr-defined]
    assert not any(c.endswith("_sealed") for c in columns)
    assert not columns & {"ref", "reporter", "created_at", "owner", "category_text", "description"}


async def test_the_database_totals_match_the_rows_counted_in_memory(db: Database) -> None:
    """The transparency report aggregates in the database; the same figures as the table-tested Python."""
    import random

    from sqlalchemy import insert

    from cocbot.bot.transparency.figures import summarize
    from cocbot.storage.queries import table_of

    rng = random.Random(7)
    values = [dict(report_id=i, month=f"2026-{rng.randint(1, 12):02d}", source=rng.choice(["command", "shortcut"]),
                   anonymity=rng.choice(["named", "anonymous"]), category=rng.choice(["harassment", None]),
                   outcome=rng.choice(["no_action", "temporary_ban", None]), ban_issued=rng.random() < 0.2,
                   acknowledge_seconds=rng.choice([None, rng.randint(60, 90000)]),
                   respond_seconds=rng.choice([None, rng.randint(3600, 900000)]),
                   acknowledged_within_promise=rng.choice([None, True, False]),
                   responded_within_week=rng.choice([None, True, False]), held=rng.random() < 0.1)
              for i in range(1, 400)]
    async with db.transaction() as session:
        await session.execute(insert(table_of(CaseStatistic)), values)
    async with db.transaction() as session:
        for first, last in (("2026-01", "2026-12"), ("2026-03", "2026-05"), ("2027-01", "2027-12")):
            rows = await statistics_q.rows_between(session, first, last)
            assert await statistics_q.totals_between(session, first, last) == summarize(rows)
