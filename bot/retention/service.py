"""The purge: what cocbot stored is deleted once the community's retention periods have passed.

A purge runs a list of *purgeable parts*. Each part says what of its own is due (`due`) and deletes what is
not a case (`purge`); the cases a part names (a `Due` with an `id`) are purged here, the same way for every
part: the *keepers* are called first with their ids (in the purge's transaction: a content-free statistics
row, say), the bot's posts about them in committee spaces are queued for deletion and their private
spaces for archiving (through the outbox, never directly), then their content is removed from every table
(storage/retention.py). The reporter is not messaged.

Extension point: another capability adds its own part from the composition root with
`Purge.add_part(part)` (consultations, ended bans, held reports), or a keeper with `Purge.add_keeper(fn)`.
Parts run in the order added; the built-in ones are `ClosedCases` and `UnsubmittedDrafts`.

Cases go in time-boxed batches, one transaction each, and on SQLite every statement of the purge runs on the
database connection's thread (storage/db.statements_off_loop): the event loop serves `/report` and the rest
meanwhile, waiting at most for the Python side of one statement or one slice of rows.

The purge runs at start-up and daily as an outbox row with a due time (`retention_purge`, one per day by its
key), so replicas run it exactly once (bot/retention/delivery.py), and on demand with `cocbot purge`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import Retention
from cocbot.storage import outbox as outbox_q
from cocbot.storage import retention as retention_q
from cocbot.storage.db import Database, statements_off_loop
from cocbot.storage.retention import Due

log = logging.getLogger("cocbot.retention")

DELETE_POST = "retention_delete_post"
CLOSE_SPACE = "retention_close_space"
# Platform deletions are spread out at this pace (Slack allows chat.delete about 50 times a minute, Discourse
# its API about 60): due in the future, they never hold back a report's delivery queued after the purge.
DELETE_PACE = timedelta(seconds=1.2)
# Cases purged per transaction, at most. Each transaction is time-boxed (TIME_BOX): the batch grows while
# batches are quick (fewer statements per case) and shrinks when they are not (a loaded machine), so a report
# being filed meanwhile waits for one short batch at most (SQLite has one writer), never for the whole purge.
BATCH = 500
FIRST_BATCH = 100
MIN_BATCH = 10
TIME_BOX = timedelta(milliseconds=100)
# Rows handled between two turns of the event loop within a batch (statistics, posts to delete).
SLICE = 50


class PurgeablePart(Protocol):
    """Something the purge deletes once it is old enough. `due` lists it (at most `limit` items when given;
    items already purged must not be listed again; `after`, when given, is the last item of the previous
    batch, for a part that can resume from it cheaply — ignoring it is correct); `purge` deletes the items
    that are not cases (cases, the items with an `id`, are purged by `Purge` itself) and returns how many."""

    @property
    def name(self) -> str: ...

    async def due(self, session: AsyncSession, now: datetime, limit: int | None, after: Due | None = None
                  ) -> list[Due]: ...

    async def purge(self, session: AsyncSession, due: list[Due], now: datetime) -> int: ...


# Called in the purge's transaction with the ids of the cases about to be purged, while their rows are intact.
Keeper = Callable[[AsyncSession, list[int], datetime], Awaitable[None]]


@dataclass(frozen=True)
class ClosedCases:
    """Reports closed longer than `retention.closed_reports` ago (never with `never`); a case with a ban
    still in force, or ended less than `retention.ended_bans` ago, waits for it."""

    retention: Retention
    name: str = "closed_reports"

    async def due(self, session: AsyncSession, now: datetime, limit: int | None, after: Due | None = None
                  ) -> list[Due]:
        if self.retention.closed_reports is None:
            return []
        # Resuming after the previous batch's last id keeps each batch's query short (ids only grow).
        return await retention_q.closed_cases_due(session, closed_before=now - self.retention.closed_reports,
                                                  bans_ended_before=now - self.retention.ended_bans, now=now,
                                                  limit=limit, after_id=after.id or 0 if after else 0)

    async def purge(self, session: AsyncSession, due: list[Due], now: datetime) -> int:
        return 0


@dataclass(frozen=True)
class UnsubmittedDrafts:
    """Flagged-message snapshots whose report was never submitted (`retention.unsubmitted_drafts`)."""

    retention: Retention
    name: str = "unsubmitted_drafts"

    async def due(self, session: AsyncSession, now: datetime, limit: int | None, after: Due | None = None
                  ) -> list[Due]:
        return await retention_q.drafts_due(session, saved_before=now - self.retention.unsubmitted_drafts)

    async def purge(self, session: AsyncSession, due: list[Due], now: datetime) -> int:
        return await retention_q.delete_drafts(session, saved_before=now - self.retention.unsubmitted_drafts)


@dataclass(frozen=True)
class PurgeResult:
    counts: dict[str, int]
    # What was done so that deleted bytes leave the database files ("checkpointed", "vacuumed", "" if nothing).
    scrubbed: str = ""
    deletions_queued: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Purge:
    db: Database
    retention: Retention
    clock: Clock
    # Wakes the delivery worker once deletions are queued.
    notify: Callable[[], None] = field(default=lambda: None)
    batch: int = BATCH

    def __post_init__(self) -> None:
        self.parts: list[PurgeablePart] = [ClosedCases(self.retention), UnsubmittedDrafts(self.retention)]
        self.keepers: list[Keeper] = []
        self._slot = 0

    def add_part(self, part: PurgeablePart) -> None:
        if any(p.name == part.name for p in self.parts):
            raise ValueError(f"purgeable part {part.name!r} added twice")
        self.parts.append(part)

    def add_keeper(self, keeper: Keeper) -> None:
        self.keepers.append(keeper)

    async def dry_run(self) -> list[tuple[str, Due]]:
        """What a purge now would remove, by part: references and dates only."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            return [(part.name, d) for part in self.parts for d in await part.due(session, now, None)]

    async def run(self) -> PurgeResult:
        # Its statements run on the database connection's thread: the event loop goes on serving (a `/report`
        # waits for the Python side of one statement at most, never for a whole batch).
        with statements_off_loop():
            return await self._run()

    async def _run(self) -> PurgeResult:
        now = self.clock.now()
        counts: dict[str, int] = {}
        queued = 0
        self._slot = 0
        size = min(FIRST_BATCH, self.batch)
        for part in self.parts:
            counts[part.name] = 0
            after: Due | None = None
            while True:
                started = time.perf_counter()
                async with self.db.transaction() as session:
                    due = await part.due(session, now, size, after)
                    if not due:
                        break
                    case_ids = [d.id for d in due if d.id is not None]
                    others = [d for d in due if d.id is None]
                    if case_ids:
                        queued += await self._purge_cases(session, case_ids, now)
                    done = len(case_ids) + (await part.purge(session, others, now) if others else 0)
                counts[part.name] += done
                after = due[-1]
                took = time.perf_counter() - started
                asked, size = size, self._next_size(size, len(due), took)
                # Between batches, whatever is waiting (a report being filed) goes first.
                await asyncio.sleep(0)
                if not done or len(due) < asked:
                    # Everything due was handled (or the part purged nothing: asking again would loop).
                    break
        scrubbed = await retention_q.scrub_files(self.db) if sum(counts.values()) else ""
        if scrubbed == "checkpoint_busy":
            log.warning("purge: another process kept the SQLite WAL busy; purged pages stay in it until the next "
                        "purge or checkpoint")
        if queued:
            self.notify()
        result = PurgeResult(counts, scrubbed, queued)
        log.info("purge: %s; %d platform deletion(s) queued; files %s",
                 ", ".join(f"{n} {name}" for name, n in counts.items()), queued, scrubbed or "untouched")
        return result

    def _next_size(self, size: int, handled: int, seconds: float) -> int:
        """The next batch's size: what fits in TIME_BOX at the pace of the last one, changing by half or double
        at most (one slow batch, a moment of load, does not swing it)."""
        if handled < size or seconds <= 0:
            return size
        fits = int(size * TIME_BOX.total_seconds() / seconds)
        return min(self.batch, max(MIN_BATCH, min(size * 2, max(size // 2, fits))))

    def _next_slot(self, now: datetime) -> datetime:
        at = now + DELETE_PACE * self._slot
        self._slot += 1
        return at

    async def _purge_cases(self, session: AsyncSession, case_ids: list[int], now: datetime) -> int:
        for keeper in self.keepers:
            await keeper(session, case_ids, now)
        batch = await retention_q.mark(session, case_ids, now=now)
        if batch is None:
            return 0
        rows: list[outbox_q.NewItem] = []
        queued = 0
        for case in await retention_q.traces(session, batch):
            for channel, ts in case.posts:
                rows.append(outbox_q.NewItem(key=f"retention:delete:{case.platform}:{channel}:{ts}", kind=DELETE_POST,
                                             payload={"platform": case.platform, "channel": channel, "ts": ts},
                                             due_at=self._next_slot(now)))
            if case.private_space:
                # After the deletions in it, which it also waits for (delivery.close_space).
                rows.append(outbox_q.NewItem(key=f"retention:close:{case.platform}:{case.private_space}",
                                             kind=CLOSE_SPACE, due_at=self._next_slot(now) + timedelta(seconds=5),
                                             payload={"platform": case.platform, "channel": case.private_space}))
            if len(rows) >= SLICE:
                # In slices: each is a statement of its own, and the event loop turns between them.
                queued += await outbox_q.enqueue_many(session, rows, now=now)
                rows = []
        queued += await outbox_q.enqueue_many(session, rows, now=now)
        await retention_q.purge_marked(session, batch)
        return queued
