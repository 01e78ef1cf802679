"""Triage storage: locking, compare-and-set transitions, the append-only audit log, sealed people and text,
idempotent entries and decisions, one approval per announcement, bans for review."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)



async def new_report(db: Database) -> int:
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, NewReport(
            idempotency_key="k1", platform="slack", source="command", anonymity="anonymous", reporter="UREP",
            description="secret account", implicated=("UM",)), NOW)
    return report.id


async def decide(s: AsyncSession, rid: int, outcome: str) -> int:
    """A decision with `outcome` on report `rid` (no announcement); its id."""
    did, _ = await triage_q.add_decision(s, report_id=rid, key="d", actor="UA", now=NOW, outcome=outcome,
                                         message="m", announcement=None, announce_channel=None)
    return did


async def test_transition_is_compare_and_set(db: Database) -> None:
    rid = await new_report(db)
    async with db.transaction() as s:
        assert await triage_q.lock_report(s, rid)
        assert await triage_q.transition(s, rid, before="new", after="acknowledged", acknowledged_at=NOW)
        assert not await triage_q.transition(s, rid, before="new", after="acknowledged")
    async with db.transaction() as s:
        report = await reports_q.get_report(s, rid)
    assert report is not None and report.state == "acknowledged" and report.acknowledged_at == NOW
    assert report.version == 1


async def test_audit_is_append_only_and_people_are_sealed(db: Database) -> None:
    rid = await new_report(db)
    async with db.transaction() as s:
        await triage_q.append_audit(s, report_id=rid, actor="UALICE", action="acknowledge", now=NOW)
        await triage_q.append_audit(s, report_id=rid, actor=None, action="answer", now=NOW + timedelta(minutes=1))
        await reports_q.add_recused(s, rid, "UCAROL")
        await triage_q.add_recusal(s, report_id=rid, member="UCAROL", now=NOW, from_channel="C1")
    async with db.transaction() as s:
        entries = await triage_q.audit_for(s, rid)
        raw = (await s.execute(select(col(triage_q.TriageAudit.actor_sealed)))).scalars().all()
        report = await reports_q.get_report(s, rid)
    assert [(e.action, e.actor) for e in entries] == [("acknowledge", "UALICE"), ("answer", None)]
    assert all(value.startswith("v1:") for value in raw)
    assert report is not None and report.recused == ("UCAROL",)
    # The module offers no way to change or remove an audit entry.
    assert not [n for n in dir(triage_q) if "audit" in n and n.startswith(("update", "delete", "edit", "remove"))]


async def test_entries_and_decisions_are_idempotent_and_approved_once(db: Database) -> None:
    rid = await new_report(db)
    async with db.transaction() as s:
        first = await triage_q.add_entry(s, report_id=rid, key="view:1", kind="note", author="UA", text="n",
                                         now=NOW)
        again = await triage_q.add_entry(s, report_id=rid, key="view:1", kind="note", author="UA", text="n",
                                         now=NOW)
        decision_id, created = await triage_q.add_decision(
            s, report_id=rid, key="view:2", actor="UA", now=NOW, outcome="public_reprimand", message="m",
            announcement="Something happened.", announce_channel="CGEN")
        _, created_again = await triage_q.add_decision(
            s, report_id=rid, key="view:2", actor="UA", now=NOW, outcome="public_reprimand", message="m",
            announcement="Something happened.", announce_channel="CGEN")
    assert first == (first[0], True) and again == (first[0], False)
    assert created and not created_again
    async with db.transaction() as s:
        assert await triage_q.approve_announcement(s, decision_id, approver="UB", now=NOW)
        assert not await triage_q.approve_announcement(s, decision_id, approver="UC", now=NOW)
        decision = await triage_q.get_decision(s, decision_id)
    assert decision is not None and decision.approved_by == "UB" and decision.announcement_state == "approved"


async def test_bans_in_force_for_review(db: Database) -> None:
    rid = await new_report(db)
    async with db.transaction() as s:
        did = await decide(s, rid, "temporary_ban")
        await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="temporary_ban",
                               subjects=("UM",), scope="Slack", ends_at=NOW + timedelta(days=30))
        await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="permanent_ban",
                               subjects=("UN",), scope="all spaces", ends_at=None)
        await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="week_off",
                               subjects=("UO",), scope="Slack", ends_at=NOW + timedelta(days=7))
    async with db.transaction() as s:
        active = await triage_q.active_bans(s, NOW + timedelta(days=10))
        everything = await triage_q.all_bans(s)
    assert [b.subjects for b in active] == [("UM",), ("UN",)]
    assert len(everything) == 3 and everything[0][0] == "R-0001"


async def test_cocbot_bans_lists_them(db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from cocbot.bot.cli.main import main

    rid = await new_report(db)
    async with db.transaction() as s:
        did = await decide(s, rid, "permanent_ban")
        await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="permanent_ban",
                               subjects=("UM",), scope="all spaces", ends_at=None)
    monkeypatch.setenv("DATABASE_URL", database_url)
    import asyncio

    code = await asyncio.to_thread(main, ["bans"])
    out = capsys.readouterr().out
    assert code == 0 and "R-0001" in out and "permanent" in out and "all spaces" in out and "UM" in out
    assert "secret account" not in out
