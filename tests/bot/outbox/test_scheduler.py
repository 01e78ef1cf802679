"""The APScheduler wake-ups: late jobs still run (no misfire grace), overdue rows go out after start-up,
and the next wake-up follows the database. Waits are on events set by the work itself, never sleeps."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_MISSED

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.outbox.scheduler import NEXT_DUE_JOB, SAFETY_NET_JOB, ReminderScheduler
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


class Probe:
    """An outbox kind that records what it delivered and lets a test wait for a count."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self._changed = asyncio.Event()

    async def handle(self, item: ClaimedItem) -> dict[str, Any]:
        self.delivered.append(item.key)
        self._changed.set()
        return {}

    async def wait_for(self, n: int, timeout: float = 5.0) -> None:
        async def until() -> None:
            while len(self.delivered) < n:
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(until(), timeout)


async def settled(db: Database, *, done: int, timeout: float = 5.0) -> None:
    """Wait until the worker has recorded its deliveries (it settles rows just after the handler returns)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with db.transaction() as s:
            if (await outbox_q.counts(s)).get("done", 0) >= done:
                return
        assert loop.time() < deadline, "the worker did not settle its rows"
        await asyncio.sleep(0.01)


async def test_every_job_has_no_misfire_grace_and_coalesces(db: Database, clock: ManualClock) -> None:
    sched = ReminderScheduler(db, OutboxWorker(db, clock), clock)
    async with db.transaction() as s:
        await outbox_q.enqueue(s, key="k", kind="probe", now=clock.now(), due_at=clock.now() + timedelta(hours=4))
    await sched.start()
    try:
        assert sched.scheduler is not None
        jobs = {j.id: j for j in sched.scheduler.get_jobs()}
        assert set(jobs) == {SAFETY_NET_JOB, NEXT_DUE_JOB}
        for job in jobs.values():
            assert job.misfire_grace_time is None and job.coalesce is True and job.max_instances == 1
        # The next wake-up is 4 h from now on the real clock, whatever the domain clock says.
        wait = jobs[NEXT_DUE_JOB].next_run_time - datetime.now(timezone.utc)
        assert timedelta(hours=3, minutes=59) < wait <= timedelta(hours=4)
        assert type(sched.scheduler._jobstores["default"]).__name__ == "MemoryJobStore"
    finally:
        await sched.stop()


async def test_a_late_wake_up_still_runs_where_the_default_grace_would_drop_it(db: Database,
                                                                             clock: ManualClock) -> None:
    """APScheduler 3 drops a job more than 1 s late by default; ours run however late they are."""
    sched = ReminderScheduler(db, OutboxWorker(db, clock), clock)
    await sched.start()
    assert sched.scheduler is not None
    ran: list[str] = []
    missed: list[str] = []
    done = asyncio.Event()

    def listener(event: Any) -> None:
        missed.append(event.job_id)
        done.set()

    async def job(name: str) -> None:
        ran.append(name)
        done.set()

    try:
        sched.scheduler.add_listener(listener, EVENT_JOB_MISSED)
        an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
        sched.scheduler.add_job(job, "date", run_date=an_hour_ago, args=["default-grace"], id="default-grace",
                                misfire_grace_time=1)
        sched.scheduler.add_job(job, "date", run_date=an_hour_ago, args=["ours"], id="ours")  # job_defaults
        while not (ran and missed):
            done.clear()
            await asyncio.wait_for(done.wait(), 5)
        assert ran == ["ours"] and missed == ["default-grace"]
    finally:
        await sched.stop()


async def test_rows_that_fell_due_while_down_are_sent_once_after_start(db: Database, clock: ManualClock) -> None:
    start = clock.now()
    async with db.transaction() as s:
        for n in range(5):
            await outbox_q.enqueue(s, key=f"overdue:{n}", kind="probe", now=start,
                                   due_at=start + timedelta(hours=n + 1))
        await outbox_q.enqueue(s, key="future", kind="probe", now=start, due_at=start + timedelta(days=2))
    clock.set(start + timedelta(hours=30))  # the bot was down for 30 h

    worker = OutboxWorker(db, clock, poll_seconds=3600)  # only the scheduler's wake-ups, no polling
    probe = Probe()
    worker.register("probe", probe.handle)
    sched = ReminderScheduler(db, worker, clock, safety_seconds=3600)
    worker.start()
    await sched.start()
    try:
        await probe.wait_for(5)
        assert sorted(probe.delivered) == [f"overdue:{n}" for n in range(5)]
        await settled(db, done=5)
        assert sched.next_due == start + timedelta(days=2)
        # Another wake-up (the safety net, a second start) finds nothing left to send.
        await sched._wake()
        await worker.drain()
        assert len(probe.delivered) == 5
    finally:
        await sched.stop()
        await worker.stop()
    async with db.transaction() as s:
        assert await outbox_q.counts(s) == {"done": 5, "pending": 1}


async def test_the_next_due_job_follows_the_database(db: Database, clock: ManualClock) -> None:
    worker = OutboxWorker(db, clock)
    sched = ReminderScheduler(db, worker, clock)
    await sched.start()
    try:
        assert sched.scheduler is not None and sched.scheduler.get_job(NEXT_DUE_JOB) is None
        async with db.transaction() as s:
            await outbox_q.enqueue(s, key="a", kind="probe", now=clock.now(), due_at=clock.now() + timedelta(hours=12))
        assert await sched.rearm() == clock.now() + timedelta(hours=12)
        async with db.transaction() as s:
            await outbox_q.enqueue(s, key="b", kind="probe", now=clock.now(), due_at=clock.now() + timedelta(hours=4))
        assert await sched.rearm() == clock.now() + timedelta(hours=4)
        job = sched.scheduler.get_job(NEXT_DUE_JOB)
        assert job is not None
        assert timedelta(hours=3, minutes=59) < job.next_run_time - datetime.now(timezone.utc) <= timedelta(hours=4)
    finally:
        await sched.stop()


async def test_the_running_bot_sends_an_overdue_reminder_after_a_restart(slack: Any, sqlite_url: str,
                                                                         clock: ManualClock) -> None:
    """The composition root starts the worker and the scheduler; nothing but start-up triggers the send."""
    from aiohttp import web

    from cocbot.bot.runtime.app import RUNTIME, create_web_app
    from tests.harness import COMMITTEE_CHANNEL, Harness, make_config

    bot = await Harness(slack, make_config(), sqlite_url, clock).start()
    ref = await bot.report()
    await bot.drain()
    settings = bot.settings
    await bot.stop()
    clock.advance(hours=5)  # down over the 4 h reminder

    app = create_web_app(settings, make_config(), clock=clock, run_worker=True, run_checks=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        scheduler = app[RUNTIME].scheduler
        assert scheduler is not None and scheduler.scheduler.running
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not any(f"Reminder: report {ref}" in str(m) for m in slack.messages_in(COMMITTEE_CHANNEL)):
            assert loop.time() < deadline, "the overdue reminder was not sent after start-up"
            await asyncio.sleep(0.01)
        assert scheduler.next_due == clock.now() - timedelta(hours=5) + timedelta(hours=12)
    finally:
        await runner.cleanup()
    assert scheduler.scheduler is None
    assert sum(f"Reminder: report {ref}" in str(m) for m in slack.messages_in(COMMITTEE_CHANNEL)) == 1
