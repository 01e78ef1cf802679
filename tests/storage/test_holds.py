"""The people index and held reports, on SQLite and PostgreSQL: who a report names is found by keyed hash,
held reports are left out of every visible listing, and a withdrawn one keeps nothing of its content."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlmodel import col

from cocbot.storage import earlier as earlier_q
from cocbot.storage import holds as holds_q
from cocbot.storage import reports as reports_q
from cocbot.storage.content import ContentSeal, new_key
from cocbot.storage.db import Database
from cocbot.storage.earlier import ReportPerson
from cocbot.storage.models import Report
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


async def file(db: Database, n: int, implicated: tuple[str, ...]) -> int:
    async with db.transaction() as session:
        report, _ = await reports_q.create_report(session, NewReport(
            idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named", reporter=f"UR{n}",
            description=f"text {n}", implicated=implicated), NOW)
        await earlier_q.index_people(session, report.id, implicated)
    return report.id


async def test_reports_naming_a_person_are_found_and_held_ones_kept_apart(db: Database) -> None:
    first = await file(db, 1, ("UMALLORY",))
    held = await file(db, 2, ("umallory", "alice"))
    await file(db, 3, ("UOTHER",))
    async with db.transaction() as session:
        await holds_q.add_hold(session, held, now=NOW, expires_at=NOW + timedelta(days=365))
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False) == [first]
        assert await earlier_q.reports_naming(session, {"ALICE"}, escrow=True) == [held]
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False, other_than=first) == []
        visible = (await session.execute(select(col(Report.id)).where(holds_q.visible()))).scalars().all()
        assert held not in visible and first in visible
        # Names are never stored, only keyed hashes.
        keys = (await session.execute(select(col(ReportPerson.person_key)))).scalars().all()
        assert not any("mallory" in k.lower() for k in keys)
        assert await holds_q.settle(session, held, state=holds_q.HoldState.MATCHED, now=NOW)
        assert not await holds_q.settle(session, held, state=holds_q.HoldState.WITHDRAWN, now=NOW)
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False) == [first, held]


async def test_a_withdrawn_hold_keeps_nothing_but_the_reporter(db: Database) -> None:
    held = await file(db, 1, ("UMALLORY",))
    async with db.transaction() as session:
        await holds_q.add_hold(session, held, now=NOW, expires_at=NOW + timedelta(days=1))
        assert await holds_q.settle(session, held, state=holds_q.HoldState.WITHDRAWN, now=NOW)
        await holds_q.erase_content(session, held)
        await earlier_q.forget_people(session, held)
        report = await reports_q.get_report(session, held)
        assert report is not None and report.description == "" and report.implicated == ()
        assert report.reporter == "UR1"
        assert await holds_q.is_hidden(session, held)
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=True) == []


def test_person_keys_follow_the_content_keys_through_a_rotation() -> None:
    old, new = new_key(), new_key()
    before = ContentSeal([old]).person_keys("UMALLORY")
    after = ContentSeal([new, old]).person_keys("umallory ")
    assert before[0] in after and after[0] != before[0]
    assert ContentSeal().person_keys("U1") != ContentSeal([old]).person_keys("U1")


async def test_one_statement_reads_the_reports_naming_someone_with_their_holds(db: Database) -> None:
    first = await file(db, 1, ("UMALLORY",))
    held = await file(db, 2, ("UMALLORY",))
    newest = await file(db, 3, ("UMALLORY", "UOTHER"))
    async with db.transaction() as session:
        await holds_q.add_hold(session, held, now=NOW, expires_at=NOW + timedelta(days=1))
        found = await earlier_q.reports_naming_people(session, {"umallory"}, other_than=newest, limit=5)
        assert [(n.report.id, n.hold) for n in found] == [(held, "held"), (first, None)]
        assert [n.report.id for n in await earlier_q.reports_naming_people(session, {"UMALLORY"}, limit=1)] == [newest]
        assert await earlier_q.latest_outcomes(session, [first]) == {}
        assert await earlier_q.bans_in_force(session, [first, held], NOW) == []
