"""The earlier-cases listing as its outbox row delivers it: the case, what its readers may all be told and
the bans in force read in one transaction of one statement each, then posted through the privacy gate."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import event

from cocbot.bot.clock import ManualClock
from cocbot.bot.earlier.delivery import EarlierDelivery
from cocbot.bot.earlier.rows import KIND
from cocbot.bot.earlier.service import index
from cocbot.bot.messages import Message
from cocbot.bot.messenger import Messengers, Posted
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.scenarios.simulator.harness import COMMITTEE_CHANNEL, MEMBERS, make_config
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import NewReport, ReportRecord

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CONFIG = make_config()


class RecordingMessenger:
    """The committee channel with the committee and the bot in it; what is posted there."""

    platform = "slack"

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []

    async def bot_user_id(self) -> str:
        return "UBOT"

    async def channel_members(self, channel: str) -> frozenset[str]:
        return frozenset({*MEMBERS, "UBOT"})

    async def post(self, channel: str, message: Message, *, thread: str | None = None, key: str | None = None,
                   earlier_since: datetime | None = None) -> Posted:
        self.posts.append((channel, repr(message.blocks)))
        return Posted(channel, f"{len(self.posts)}.0")


async def file(db: Database, n: int, *, ban: bool = False) -> ReportRecord:
    async with db.transaction() as session:
        report, _ = await reports_q.create_report(session, NewReport(
            idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named", reporter=f"UR{n}",
            description=f"text {n}", implicated=("UMALLORY",)), NOW)
        await reports_q.update_report(session, report.id, space_kind="committee_channel",
                                      space_channel=COMMITTEE_CHANNEL, message_ts=f"{n}.0", delivery_state="delivered")
        await index(session, report, CONFIG, fresh=True)
        if ban:
            decision, _ = await triage_q.add_decision(session, report_id=report.id, key=f"d{n}", actor="UALICE",
                                                      outcome="temporary_ban", message="", announcement=None,
                                                      announce_channel=None, now=NOW)
            await triage_q.add_ban(session, report_id=report.id, decision_id=decision, now=NOW,
                                   outcome="temporary_ban", subjects=("UMALLORY",), scope="all",
                                   ends_at=NOW + timedelta(days=30))
        stored = await reports_q.get_report(session, report.id)
    assert stored is not None
    return stored


async def test_the_listing_is_read_in_one_transaction_and_posted(db: Database) -> None:
    banned = await file(db, 1, ban=True)
    new = await file(db, 2)
    messenger = RecordingMessenger()
    delivery = EarlierDelivery(db, CONFIG, PrivacyGate(CONFIG, Messengers(messenger)), ManualClock(NOW))  # type: ignore[arg-type]
    checkouts: list[object] = []
    statements: list[str] = []

    def checkout(*_: Any) -> None:
        checkouts.append(object())

    def statement(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql)

    event.listen(db.engine.sync_engine.pool, "checkout", checkout)
    event.listen(db.engine.sync_engine, "before_cursor_execute", statement)
    try:
        result = await delivery.deliver(ClaimedItem(id=1, key=f"report:{new.id}:earlier", kind=KIND,
                                                    report_id=new.id, payload={}, attempts=0))
    finally:
        event.remove(db.engine.sync_engine.pool, "checkout", checkout)
        event.remove(db.engine.sync_engine, "before_cursor_execute", statement)
    assert result["listed"] == 2  # the case and the ban in force decided on it
    assert [channel for channel, _ in messenger.posts] == [COMMITTEE_CHANNEL]
    assert banned.ref in messenger.posts[0][1]
    # The case, then its earlier cases with their bans: one transaction, one statement each.
    assert len(checkouts) == 1
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2, statements
