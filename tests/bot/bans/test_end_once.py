"""A ban's end is one due outbox row: two replicas waking at once lift the forum restriction once and queue
one "ended" message (on SQLite and PostgreSQL); a retry after the end was recorded does nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from cocbot.bot.bans.delivery import BanDeliveries
from cocbot.bot.clock import ManualClock
from cocbot.bot.messenger import Messengers
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage import bans as bans_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import triage as triage_q
from cocbot.storage.bans import Places
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem
from tests.bot.bans.test_rules import FORUM
from tests.harness import make_config
from tests.storage.test_triage import NOW, decide, new_report


class RecordingForum:
    """The forum port as the fake forum would answer it, recording each call (the platform, not our code)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def restrict(self, username: str, action: str, until: datetime | None, reason: str) -> None:
        self.calls.append((action, username))

    async def lift(self, username: str, action: str) -> None:
        await asyncio.sleep(0.01)  # a platform round trip, so the two replicas overlap
        self.calls.append((f"un{action}", username))


class NoMessenger:
    platform = "discourse"


async def test_two_replicas_end_a_ban_once(db: Database) -> None:
    config = make_config(discourse=FORUM, bans={"enforce": "suspend"})
    ends = NOW + timedelta(days=30)
    rid = await new_report(db)
    async with db.transaction() as s:
        did = await decide(s, rid, "temporary_ban")
        ban_id = await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="temporary_ban",
                                        subjects=("mallory",), scope="", ends_at=ends)
        await bans_q.add_places(s, ban_id=ban_id, report_id=rid, places=Places(forum=True))
        await bans_q.mark_applied(s, ban_id, {"action": "suspend", "users": ["mallory"]})
        await outbox_q.enqueue(s, key=f"ban:{ban_id}:end", kind="ban_end", report_id=rid, payload={"ban": ban_id},
                               now=NOW, due_at=ends)
    clock = ManualClock(ends + timedelta(minutes=1))
    forum = RecordingForum()
    gate = PrivacyGate(config, Messengers(NoMessenger()))  # type: ignore[arg-type]
    workers = []
    for _ in range(2):
        worker = OutboxWorker(db, clock)
        BanDeliveries(db, config, gate, clock, forum=forum).register(worker)
        workers.append(worker)
    await asyncio.gather(*(w.run_once() for w in workers))
    assert forum.calls == [("unsuspend", "mallory")]
    async with db.transaction() as s:
        ended = (await s.execute(select(col(OutboxItem.kind)).where(col(OutboxItem.key) == f"ban:{ban_id}:ended"))
                 ).scalars().all()
        record = await bans_q.get(s, ban_id)
    assert ended == ["ban_alert"] and record is not None and record.ended_at is not None
