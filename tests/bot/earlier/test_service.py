"""Earlier cases read from the people index on both engines: a case indexed before its guards were is checked
from its sealed record, a recusal is indexed at once, and a purged case is never listed again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cocbot.bot.clock import ManualClock
from cocbot.bot.earlier.service import earlier_for, index, reindex
from cocbot.bot.runtime.purge import build_purge
from cocbot.scenarios.simulator.harness import make_config
from cocbot.storage import earlier as earlier_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.earlier import ReportPerson
from cocbot.storage.reports import NewReport, ReportRecord

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CONFIG = make_config()


async def file(db: Database, n: int, *, excluded: tuple[str, ...] = (), guards: bool = True,
               state: str = "new", at: datetime = NOW) -> ReportRecord:
    async with db.transaction() as session:
        report, _ = await reports_q.create_report(session, NewReport(
            idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named", reporter=f"UR{n}",
            description=f"text {n}", implicated=("UMALLORY",), excluded=excluded), at)
        await reports_q.update_report(session, report.id, space_kind="committee_channel", state=state,
                                      delivery_state="delivered", closed_at=at if state == "closed" else None)
        if guards:
            await index(session, report, CONFIG, fresh=True)
        else:  # as the index was before it knew who a case keeps out
            await earlier_q.index_people(session, report.id, ("UMALLORY",), fresh=True)
        stored = await reports_q.get_report(session, report.id)
    assert stored is not None
    return stored


async def listed(db: Database, new: ReportRecord) -> list[str]:
    async with db.transaction() as session:
        return [c.ref for c in (await earlier_for(session, new, CONFIG, NOW)).cases]


async def test_a_case_indexed_before_its_guards_is_checked_from_its_record(db: Database) -> None:
    hidden = await file(db, 1, excluded=("UBOB",), guards=False)
    shown = await file(db, 2, guards=False)
    new = await file(db, 3)
    assert await listed(db, new) == [shown.ref]
    assert hidden.ref not in await listed(db, new)


async def test_a_recusal_hides_the_case_from_a_space_the_member_reads(db: Database) -> None:
    earlier = await file(db, 1)
    new = await file(db, 2)
    assert await listed(db, new) == [earlier.ref]
    async with db.transaction() as session:
        await reports_q.add_recused(session, earlier.id, "UCAROL")
        await reindex(session, earlier.id, CONFIG)
    assert await listed(db, new) == []


async def test_a_purged_case_leaves_the_index(db: Database) -> None:
    old = await file(db, 1, state="closed", at=NOW - timedelta(days=900))
    new = await file(db, 2)
    assert await listed(db, new) == [old.ref]
    result = await build_purge(db, CONFIG, ManualClock(NOW)).run()
    assert result.counts["closed_reports"] == 1
    assert await listed(db, new) == []
    async with db.transaction() as session:
        assert await earlier_q.reports_naming(session, {"UMALLORY"}, escrow=False) == [new.id]


async def test_a_purged_case_leaves_no_index_bytes_in_the_sqlite_file(sqlite_db: Database, tmp_path: Path) -> None:
    from sqlalchemy import select
    from sqlmodel import col

    old = await file(sqlite_db, 1, excluded=("UBOB",), state="closed", at=NOW - timedelta(days=900))
    async with sqlite_db.transaction() as session:
        keys = (await session.execute(select(col(ReportPerson.person_key))
                                      .where(col(ReportPerson.report_id) == old.id))).scalars().all()
    assert len(keys) == 3  # who it names, who it keeps out, the marker

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("*.sqlite3*"))

    assert all(k.encode() in raw() for k in keys)
    result = await build_purge(sqlite_db, CONFIG, ManualClock(NOW)).run()
    assert result.scrubbed == "checkpointed"
    assert not any(k.encode() in raw() for k in keys)


async def test_a_ban_in_force_on_the_person_is_listed_with_its_case(db: Database) -> None:
    from cocbot.storage import triage as triage_q

    banned = await file(db, 1)
    new = await file(db, 2)
    async with db.transaction() as session:
        decision, _ = await triage_q.add_decision(session, report_id=banned.id, key="d1", actor="UALICE",
                                                  outcome="temporary_ban", message="", announcement=None,
                                                  announce_channel=None, now=NOW)
        await triage_q.add_ban(session, report_id=banned.id, decision_id=decision, now=NOW, outcome="temporary_ban",
                               subjects=("UMALLORY",), scope="all", ends_at=NOW + timedelta(days=30))
        found = await earlier_for(session, new, CONFIG, NOW)
    assert [(c.ref, c.outcome) for c in found.cases] == [(banned.ref, "temporary_ban")]
    assert [(b.ref, b.ends_at) for b in found.bans] == [(banned.ref, NOW + timedelta(days=30))]


async def test_a_ban_is_listed_only_on_the_person_named_and_while_in_force(db: Database) -> None:
    from cocbot.storage import triage as triage_q

    other, ended = await file(db, 1), await file(db, 2)
    new = await file(db, 3)
    async with db.transaction() as session:
        for case, subjects, ends_at in ((other, ("UOTHER",), NOW + timedelta(days=30)),
                                        (ended, ("UMALLORY",), NOW - timedelta(days=1))):
            decision, _ = await triage_q.add_decision(session, report_id=case.id, key=f"d{case.id}", actor="UALICE",
                                                      outcome="temporary_ban", message="", announcement=None,
                                                      announce_channel=None, now=NOW - timedelta(days=9))
            await triage_q.add_ban(session, report_id=case.id, decision_id=decision, now=NOW - timedelta(days=9),
                                   outcome="temporary_ban", subjects=subjects, scope="all", ends_at=ends_at)
        found = await earlier_for(session, new, CONFIG, NOW)
    assert [c.ref for c in found.cases] == [other.ref, ended.ref]
    assert found.bans == ()
