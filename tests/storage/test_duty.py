"""On-duty storage on both engines: times in UTC, event mode, idempotent materialising, and each
announcement sent once when two replicas work the same database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone


from cocbot.bot.clock import ManualClock
from cocbot.bot.duty.delivery import DutyDeliveries
from cocbot.bot.duty.service import DutyService
from cocbot.bot.messages import Message
from cocbot.bot.messenger import Messengers, Posted
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage import duty as duty_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from tests.bot.duty.support import WEEKLY
from tests.harness import make_config

UTC = timezone.utc
CONFIG = make_config(duty={"facilitators": ["UFAC1", "UFAC2"]})
CALL_START = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)


class RecordingMessenger:
    """Just enough of the Messenger port for content-free posts."""

    platform = "test"

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []

    async def post(self, channel: str, message: Message, *, thread: str | None = None) -> Posted:
        await asyncio.sleep(0.01)  # give the other replica a chance to race
        self.posts.append((channel, message.summary))
        return Posted(channel, f"{len(self.posts)}.0")


async def test_times_round_trip_in_utc_and_event_mode(db: Database) -> None:
    berlin = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    async with db.transaction() as s:
        rec = await duty_q.add_shift(s, facilitator="UFAC1", channels=frozenset({"CA"}), starts_at=berlin,
                                     ends_at=berlin + timedelta(hours=2), created_by="UFAC1", now=berlin)
        await duty_q.add_shift(s, facilitator="UFAC2", channels=frozenset(), starts_at=berlin,
                               ends_at=berlin + timedelta(hours=8), created_by="UFAC2", now=berlin)
    async with db.transaction() as s:
        got = await duty_q.get_shift(s, rec.id)
        assert got is not None and got.starts_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert got.starts_at.tzinfo == UTC
        assert await duty_q.active_in_channel(s, "CA", berlin)
        assert await duty_q.active_in_channel(s, "CA", berlin + timedelta(hours=1, minutes=59))
        assert not await duty_q.active_in_channel(s, "CA", berlin + timedelta(hours=2))  # half-open
        # General cover is not an event in every channel.
        assert not await duty_q.active_in_channel(s, "CB", berlin + timedelta(hours=1))


async def test_materialising_twice_writes_each_row_once_and_calls_make_event_mode(db: Database) -> None:
    clock = ManualClock(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    service = DutyService(db, CONFIG, clock)
    await service.import_calendar(WEEKLY, "CCALLS", ("UFAC1", "UFAC2"))
    async with db.transaction() as s:
        first = await outbox_q.counts(s)
    await asyncio.gather(service.materialize(), DutyService(db, CONFIG, clock).materialize())
    async with db.transaction() as s:
        # 14 days ahead: only 31 March (7 April is cancelled, 14 April moved past the horizon).
        assert await outbox_q.counts(s) == first == {"pending": 2}  # its announcement and reminder
        assert await duty_q.active_in_channel(s, "CCALLS", CALL_START + timedelta(minutes=30))
        assert not await duty_q.active_in_channel(s, "CCALLS", CALL_START + timedelta(hours=1))


async def test_two_replicas_announce_a_call_once(db: Database) -> None:
    clock = ManualClock(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
    await DutyService(db, CONFIG, clock).import_calendar(WEEKLY, "CCALLS", ("UFAC1",))
    clock.set(CALL_START)
    messenger = RecordingMessenger()
    workers = []
    for _ in range(2):
        worker = OutboxWorker(db, clock, lease_seconds=60)
        DutyDeliveries(db, CONFIG, PrivacyGate(CONFIG, Messengers(messenger)), clock).register(worker)  # type: ignore[arg-type]
        workers.append(worker)
    await asyncio.gather(*(w.drain() for w in workers))
    await asyncio.gather(*(w.drain() for w in workers))
    announcements = [p for p in messenger.posts if p[0] == "CCALLS"]
    assert len(announcements) == 1, messenger.posts


async def test_open_reports_lists_every_open_state_and_reads_them_through_the_open_index(db: Database) -> None:
    # The App Home's query: the open reports among years of closed ones, read through the partial index
    # (storage/models.py OPEN_REPORTS_WHERE) rather than a scan of every report ever filed.
    from sqlalchemy import text

    from cocbot.storage import reports as reports_q
    from cocbot.storage.reports import NewReport

    now = ManualClock().now()
    states = ["new", "acknowledged", "investigating", *duty_q.CLOSED_STATES]
    async with db.transaction() as session:
        for i, state in enumerate(states):
            record, _ = await reports_q.create_report(session, NewReport(
                idempotency_key=f"open-index-{i}", platform="slack", source="command", anonymity="anonymous",
                reporter="UREPORTER", description="x", implicated=("UMALLORY",)), now + timedelta(minutes=i))
            await reports_q.update_report(session, record.id, state=state)
    async with db.transaction() as session:
        listed = await duty_q.open_reports(session)
        assert [r.state for r in listed] == ["new", "acknowledged", "investigating"]
        assert all(r.blocked == {"UMALLORY"} for r in listed)
        if db.is_sqlite:
            compiled = "SELECT reports.ref FROM reports WHERE reports.ref IS NOT NULL AND " + \
                "state NOT IN ('closed', 'resolved', 'dismissed', 'withdrawn') ORDER BY reports.created_at"
            plan = (await session.execute(text("EXPLAIN QUERY PLAN " + compiled))).all()
            assert "ix_reports_open" in str(plan)
