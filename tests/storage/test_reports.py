"""Report storage on both engines: idempotent creation, unique references, content only via the seam."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlmodel import col

from cocbot.bot.clock import ManualClock
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.models import Report
from cocbot.storage.reports import NewReport
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, Harness, make_config, standard_world


def new(key: str, text: str = "seam text") -> NewReport:
    return NewReport(idempotency_key=key, platform="slack", source="command", anonymity="anonymous",
                     reporter="UREPORTER", description=text, implicated=("UMALLORY",))


async def test_concurrent_submissions_get_unique_references_and_repeats_are_no_ops(database_url: str) -> None:
    db = Database(database_url)
    await db.create_schema()
    now = ManualClock().now()

    async def submit(key: str) -> tuple[str, bool]:
        async with db.transaction() as session:
            record, created = await reports_q.create_report(session, new(key), now)
        return record.ref, created

    try:
        results = await asyncio.gather(*(submit(f"k{i % 20}") for i in range(40)))
        refs = {ref for ref, _ in results}
        assert len(refs) == 20
        assert sum(created for _, created in results) == 20
        async with db.transaction() as session:
            raw = (await session.execute(select(col(Report.content_sealed), col(Report.reporter_sealed),
                                                col(Report.people_sealed)))).all()
        assert all(col.startswith("v1:") for row in raw for col in row)
    finally:
        await db.dispose()


async def test_full_intake_flow_on_each_engine(database_url: str) -> None:
    fake = FakeSlack()
    standard_world(fake)
    await fake.start()
    bot = Harness(fake, make_config(), database_url)
    await bot.start()
    try:
        ref = await bot.report(description="Engine check", implicated=["UALICE"])
        await bot.drain()
        assert fake.who_saw("Engine check") == {"UBOB", "UCAROL"}
        assert fake.messages_in(COMMITTEE_CHANNEL) == []
        async with bot.runtime.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
        assert report is not None and report.delivery_state == "delivered"
    finally:
        await bot.stop()
        await fake.stop()
    assert not fake.violations
