"""Timing for due outbox rows (reminders, escalations, announcements) with APScheduler 3.

The database is the source of truth for what is due: a reminder is an outbox row with a future due time.
APScheduler only decides *when to look*: one job fires at the next due time and wakes the delivery
worker, and a coarse interval job is the safety net for rows written after the last look (or by another
replica). Jobs live in APScheduler's in-memory store, rebuilt from the database at start-up, because its
job stores cannot be shared between processes; several replicas are safe because the worker claims rows
in the database (FOR UPDATE SKIP LOCKED with a lease), not because only one of them wakes up.

APScheduler 3 drops a job that runs later than its misfire grace time (1 s by default) — for example
after the event loop was busy or the machine slept. Every job here has no grace limit and coalesces, so
a late wake-up still happens, once. Nothing is lost either way: a dropped wake-up would only delay a
reminder until the worker's own poll, never skip it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from cocbot.bot.clock import Clock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.storage import reminders as reminders_q
from cocbot.storage.db import Database

log = logging.getLogger("cocbot.scheduler")

NEXT_DUE_JOB = "outbox-next-due"
SAFETY_NET_JOB = "outbox-safety-net"
JOB_DEFAULTS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


@dataclass
class ReminderScheduler:
    db: Database
    worker: OutboxWorker
    clock: Clock
    safety_seconds: float = 60.0

    def __post_init__(self) -> None:
        self.scheduler: AsyncIOScheduler | None = None
        self.next_due: datetime | None = None

    async def start(self) -> None:
        # APScheduler narrates each wake-up at INFO (two lines a minute for the safety net alone, more as
        # reminders come due): routine timing, not news. Its warnings and errors still show; an operator who
        # set the "apscheduler" logger's level keeps theirs.
        if logging.getLogger("apscheduler").level == logging.NOTSET:
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=timezone.utc,
                                          job_defaults=dict(JOB_DEFAULTS))
        self.scheduler.add_job(self._wake, "interval", seconds=self.safety_seconds, id=SAFETY_NET_JOB,
                               replace_existing=True, **JOB_DEFAULTS)
        self.scheduler.start()
        # Whatever fell due while the bot was down is sent now, once: the worker claims it from the table.
        self.worker.notify()
        await self.rearm()

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None

    async def _wake(self) -> None:
        self.worker.notify()
        await self.rearm()

    async def rearm(self) -> datetime | None:
        """Point the next-due job at the earliest future row. Async queries only: the loop never blocks."""
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                due = await reminders_q.next_future_due(session, now)
        except Exception:
            # The safety net tries again; delivery itself never depended on this wake-up.
            log.exception("could not read the next due time; relying on the interval")
            return None
        self.next_due = due
        if self.scheduler is None:
            return due
        if due is None:
            if self.scheduler.get_job(NEXT_DUE_JOB) is not None:
                self.scheduler.remove_job(NEXT_DUE_JOB)
            return None
        # The domain clock may be a manual one (tests, `cocbot demo`); APScheduler runs on the real clock.
        run_at = datetime.now(timezone.utc) + (due - now)
        self.scheduler.add_job(self._wake, "date", run_date=run_at, id=NEXT_DUE_JOB, replace_existing=True,
                               **JOB_DEFAULTS)
        return due
