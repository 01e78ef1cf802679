"""Seeding whole cases straight into storage, for the purge tests (and bench/purge.py's shape of a case)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from cocbot.bot.clock import ManualClock
from cocbot.storage import discourse as discourse_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem
from cocbot.storage.queries import table_of
from cocbot.storage.reports import NewReport

NOW = datetime(2030, 6, 1, 9, 0, tzinfo=timezone.utc)


def clock() -> ManualClock:
    return ManualClock(NOW)


async def seed_case(db: Database, n: int, marker: str, *, state: str = "closed", closed_days_ago: float | None = 800,
                    ban_ended_days_ago: float | None = None, permanent_ban: bool = False,
                    space_kind: str = "private_space", platform: str = "slack",
                    now: datetime = NOW) -> tuple[int, str]:
    """A case with content in every table cocbot writes one to; every text holds `marker`. Returns (id, ref)."""
    created = now - timedelta(days=(closed_days_ago or 0) + 30)
    space = f"G{n:04d}" if space_kind == "private_space" else "CCOMMITTEE"
    if platform == "discourse":
        space = f"topic:{1000 + n}"
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, NewReport(
            idempotency_key=f"seed:{n}", platform=platform, source="command", anonymity="named",
            reporter=f"UREP{marker}", description=f"what happened {marker}", when=f"yesterday {marker}",
            implicated=(f"UIMPL{marker}",), witnesses=("UWIT",), flagged_channel="CGEN", flagged_ts="1.1",
            flagged_author=f"UAUTH{marker}", snapshot=f"the message {marker}"), created)
        rid = report.id
        closed = None if closed_days_ago is None else now - timedelta(days=closed_days_ago)
        await reports_q.update_report(s, rid, state=state, space_kind=space_kind, space_channel=space,
                                      message_ts="100.1", owner="UALICE", category="Other", closed_at=closed)
        await reports_q.add_addendum(s, report_id=rid, idempotency_key=f"add:{n}", text=f"more {marker}", now=created)
        await triage_q.add_entry(s, report_id=rid, key=f"note:{n}", kind="note", author="UALICE", text=f"note {marker}",
                                 now=created)
        await triage_q.add_assessment(s, report_id=rid, key=f"assess:{n}", actor="UBOB", now=created, risk="low",
                                      impact="low", ongoing="no", unsafe=False, category="Other",
                                      reporter_role="affected")
        decision_id, _ = await triage_q.add_decision(s, report_id=rid, key=f"decide:{n}", actor="UBOB", now=created,
                                                     outcome="temporary_ban", message=f"decided {marker}",
                                                     announcement=None, announce_channel=None)
        if permanent_ban or ban_ended_days_ago is not None:
            ends = None if permanent_ban else now - timedelta(days=ban_ended_days_ago or 0)
            await triage_q.add_ban(s, report_id=rid, decision_id=decision_id, now=created, outcome="temporary_ban",
                                   subjects=(f"UIMPL{marker}",), scope=f"scope {marker}", ends_at=ends)
        await triage_q.append_audit(s, report_id=rid, actor="UALICE", action="acknowledge", now=created,
                                    detail={"who": f"UIMPL{marker}"})
        await triage_q.add_recusal(s, report_id=rid, member="UCAROL", now=created, from_channel=f"GOLD{n:04d}")
        await outbox_q.enqueue_many(s, [
            outbox_q.NewItem(key=f"report:{rid}:deliver", kind="deliver_report", report_id=rid),
            outbox_q.NewItem(key=f"report:{rid}:confirm", kind="confirm_reporter", report_id=rid,
                             payload={"to": f"UREP{marker}"}),
            outbox_q.NewItem(key=f"report:{rid}:thread", kind="triage_thread", report_id=rid),
            outbox_q.NewItem(key=f"report:{rid}:reminder", kind="reminder_ack", report_id=rid,
                             due_at=now + timedelta(days=1)),
        ], now=created)
        o = table_of(OutboxItem)
        results: dict[str, dict[str, Any]] = {
            f"report:{rid}:deliver": {"channel": space, "ts": "100.1"},
            f"report:{rid}:confirm": {"channel": f"DUREP{marker}", "ts": "100.2"},
            f"report:{rid}:thread": {"channel": space, "ts": "100.3"},
        }
        for key, result in results.items():
            await s.execute(o.update().where(o.c.key == key).values(
                status="done", done_at=created, result_sealed=reports_q.SEAL.seal(result)))
        if platform == "discourse":
            await discourse_q.put_thread(s, topic_id=2000 + n, purpose="reporter", username=f"rep{marker}",
                                         report_id=rid, now=created)
        await discourse_q.create_token(s, token_id=f"tok{n}", username=f"rep{marker}", now=created,
                                       expires_at=created + timedelta(days=1))
        await discourse_q.use_token(s, f"tok{n}", ref=report.ref, now=created)
    return rid, report.ref


async def outbox_rows(db: Database) -> list[tuple[str, str, str, dict[str, Any]]]:
    o = table_of(OutboxItem).c
    async with db.transaction() as s:
        rows = (await s.execute(select(o.key, o.kind, o.status, o.payload_sealed).order_by(o.id))).all()
    return [(k, kind, status, reports_q.SEAL.unseal(p)) for k, kind, status, p in rows]
