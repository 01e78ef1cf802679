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
