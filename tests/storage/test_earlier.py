"""The people index on SQLite and PostgreSQL: who a case keeps out and who alone may read it are indexed as
keyed hashes beside who it names, and one statement reads the cases naming someone with their last decision
and what the index says about the people asked, without unsealing any case."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlmodel import col

from cocbot.storage import earlier as earlier_q
from cocbot.storage import holds as holds_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.earlier import Guard, ReportPerson
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
ASKED = {"UALICE", "UBOB", "UCAROL", "carol"}


async def file(db: Database, n: int, *, kept_out: tuple[str, ...] = (), readers: tuple[str, ...] = (),
               digest: str = "map1") -> int:
    async with db.transaction() as session:
        report, _ = await reports_q.create_report(session, NewReport(
            idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named", reporter=f"UR{n}",
            description=f"text {n}", implicated=("UMALLORY",)), NOW + timedelta(minutes=n))
        await earlier_q.index_people(session, report.id, ("UMALLORY",), fresh=True)
        await earlier_q.index_guards(session, report.id, kept_out=kept_out, readers=readers, digest=digest)
    return report.id


async def test_guards_say_who_is_kept_out_and_who_alone_may_read(db: Database) -> None:
    plain = await file(db, 1)
    excluding = await file(db, 2, kept_out=("UBOB", "carol"))
    chosen = await file(db, 3, readers=("UALICE",))
    stale = await file(db, 4, digest="an older identity map")
    async with db.transaction() as session:
        await reports_q.create_report(session, NewReport(
            idempotency_key="new", platform="slack", source="command", anonymity="named", reporter="URN",
            description="", implicated=("UMALLORY",)), NOW)
        found = await earlier_q.cases_naming(session, {"umallory"}, other_than=99, limit=10, asked=ASKED,
                                             digest="map1")
    by_id = {c.id: c.guard for c in found}
    assert [c.id for c in found][:4] == [stale, chosen, excluding, plain]
    assert by_id[plain] == Guard(indexed=True)
    # "carol" (forum) and "UCAROL" differ only by case for the named key, not for the kept-out key.
    assert by_id[excluding] == Guard(indexed=True, blocked=frozenset({"UBOB", "carol"}))
    assert by_id[chosen] == Guard(indexed=True, chosen=True, readers=frozenset({"UALICE"}))
    assert by_id[stale] == Guard()


async def test_cases_naming_reads_plain_columns_the_last_decision_and_hides_held_cases(db: Database) -> None:
    decided = await file(db, 1)
    held = await file(db, 2)
    newest = await file(db, 3)
    async with db.transaction() as session:
        await holds_q.add_hold(session, held, now=NOW, expires_at=NOW + timedelta(days=1))
        for n, outcome in enumerate(("no_action", "private_reprimand")):
            await triage_q.add_decision(session, report_id=decided, key=f"d{n}", actor="UALICE", outcome=outcome,
                                        message="", announcement=None, announce_channel=None,
                                        now=NOW + timedelta(days=n))
        found = await earlier_q.cases_naming(session, {"UMALLORY"}, other_than=newest, limit=10, asked=ASKED,
                                             digest="map1")
        assert [c.id for c in found] == [decided]
        [case] = found
        assert case.outcome == earlier_q.Outcome("private_reprimand", NOW + timedelta(days=1))
        assert (case.platform, case.state) == ("slack", "new") and case.ref.startswith("R-")
        assert await earlier_q.cases_naming(session, {"UMALLORY"}, other_than=newest, limit=1, asked=ASKED,
                                            digest="map1") == found
        assert await earlier_q.cases_naming(session, {"USOMEONE"}, other_than=newest, limit=10, asked=ASKED,
                                            digest="map1") == []


async def test_the_index_holds_no_names_and_a_purged_case_leaves_it(db: Database) -> None:
    first = await file(db, 1, kept_out=("UBOB",), readers=("UALICE",))
    second = await file(db, 2, kept_out=("UBOB",))
    async with db.transaction() as session:
        keys = (await session.execute(select(col(ReportPerson.person_key)))).scalars().all()
        assert not any(name in k.lower() for k in keys for name in ("mallory", "bob", "alice"))
        await earlier_q.forget_cases(session, [first])
        left = set((await session.execute(select(col(ReportPerson.report_id)))).scalars().all())
        assert left == {second}


async def test_the_bans_in_force_come_with_their_cases_in_the_same_statement(db: Database) -> None:
    banned, ended, plain = await file(db, 1), await file(db, 2), await file(db, 3)
    async with db.transaction() as session:
        for rid, key, ends_at in ((banned, "a", NOW + timedelta(days=30)), (banned, "b", None),
                                  (ended, "c", NOW - timedelta(days=1))):
            decision, _ = await triage_q.add_decision(session, report_id=rid, key=key, actor="UALICE",
                                                      outcome="temporary_ban", message="", announcement=None,
                                                      announce_channel=None, now=NOW - timedelta(days=2))
            await triage_q.add_ban(session, report_id=rid, decision_id=decision, now=NOW - timedelta(days=2),
                                   outcome="temporary_ban", subjects=("UMALLORY",), scope="all", ends_at=ends_at)
        found = {c.id: c for c in await earlier_q.cases_naming(session, {"UMALLORY"}, other_than=99, limit=10,
                                                               asked=ASKED, digest="map1", now=NOW)}
        # Without a time, no bans are asked for.
        assert all(not c.bans for c in await earlier_q.cases_naming(session, {"UMALLORY"}, other_than=99, limit=10,
                                                                    asked=ASKED, digest="map1"))
    # Oldest ban first, the ended one left out, the case's index entries read once whatever its bans.
    assert [b.ends_at for b in found[banned].bans] == [NOW + timedelta(days=30), None]
    assert found[ended].bans == () and found[plain].bans == ()
    assert found[banned].guard == found[plain].guard == Guard(indexed=True)
    assert [c.id for c in found.values()] == [plain, ended, banned]


async def test_a_committee_of_thousands_is_hashed_once_not_on_every_report(db: Database, monkeypatch) -> None:
    """Every new report asks about the same readers: with 5,000 of them, hashing each again per report cost
    more than the rest of the check (the bounded per-person cache cannot hold them all)."""
    from cocbot.storage import content

    excluding = await file(db, 1, kept_out=("U4321",))
    readers = {f"U{i}" for i in range(5000)}
    hashed: list[str] = []
    real = content.ContentSeal.person_keys

    def counting(self: content.ContentSeal, person: str) -> list[str]:
        hashed.append(person)
        return real(self, person)

    monkeypatch.setattr(content.ContentSeal, "person_keys", counting)
    for n in range(3):
        async with db.transaction() as session:
            found = await earlier_q.cases_naming(session, {"UMALLORY"}, other_than=99, limit=10, asked=readers,
                                                 digest="map1")
        assert [c.guard.blocked for c in found if c.id == excluding] == [frozenset({"U4321"})]
        if n == 0:
            first = len(hashed)
    assert len(hashed) - first < 10
