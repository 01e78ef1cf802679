"""The delivery worker: the one path by which anything leaves cocbot for a platform.

Rows are claimed under a lease, handed to the handler registered for their kind, and settled:
done (with the platform's ids), retried later (429/5xx/network), held (privacy gate) or failed
(a permanent platform error, logged for the operator without content).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.messenger import DeliveryError
from cocbot.bot.reports.privacy import PrivacyHold
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.outbox")
operator_log = logging.getLogger("cocbot.operator")


class Deferred(Exception):
    """Not yet: something this row depends on has not happened. Retried soon without counting."""

    def __init__(self, reason: str, seconds: float = 1.0) -> None:
        super().__init__(reason)
        self.seconds = seconds


@dataclass(frozen=True)
class Done:
    """A handler's result plus writes to commit in the same transaction that marks the row done.

    Saves a transaction per delivery, and the two can no longer be split by a crash: either both are
    recorded or neither (then the row is retried, as when the handler's own write fails).
    """

    result: dict[str, Any]
    also: Callable[[AsyncSession], Awaitable[None]]


Handler = Callable[[ClaimedItem], Awaitable["dict[str, Any] | Done"]]
# What became of one attempt at a row: delivered, not yet (deferred), held by the privacy gate, to be retried
# (a transient platform failure), failed for good, or a crash (a bug; retried).
OUTCOMES = ("delivered", "deferred", "held", "retried", "failed", "crashed")
# Runs after a kind's handler succeeded, with its result, before the row is marked done; a failure retries
# the row like a failing handler (whose earlier attempt may then have reached the platform).
AfterHook = Callable[[ClaimedItem, dict[str, Any]], Awaitable[None]]


@dataclass
class OutboxWorker:
    db: Database
    clock: Clock
    max_backoff_seconds: float = 300.0
    lease_seconds: float = 15.0
    batch_size: int = 20
    concurrency: int = 8
    poll_seconds: float = 5.0
    owner: str = field(default_factory=lambda: f"worker-{uuid.uuid4().hex[:12]}")
    handlers: dict[str, Handler] = field(default_factory=dict)
    # Told each row's outcome (kind, one of OUTCOMES): the operator's metrics, kept out of this module.
    observe: Callable[[str, str], None] | None = None

    def __post_init__(self) -> None:
        # When run_forever last went round (time.monotonic()); readiness tells a stuck loop from a slow one.
        self.last_turn: float | None = None
        self._with_report: set[str] = set()
        self._after: dict[str, list[AfterHook]] = {}
        # Rows whose handler succeeded, waiting to be marked done (see _record_done).
        self._done: list[tuple[ClaimedItem, dict[str, Any] | Done, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Rows this worker has claimed and not yet settled: the heartbeat renews their leases.
        self._held: set[int] = set()
        self._heartbeat: asyncio.Task[None] | None = None
        self._heartbeat_idle = asyncio.Event()
        # Rows being handled by run_forever's pool (each its own task).
        self._running: dict[int, asyncio.Task[None]] = {}

    def register(self, kind: str, handler: Handler, *, with_report: bool = False) -> None:
        """`with_report`: the worker reads the rows' reports in the transaction that claims them (one
        statement for the batch) and hands each over as `item.report`, instead of a transaction per row
        in the handler. Only for kinds whose report nothing else changes between claim and handling
        (a report's own first delivery and confirmation)."""
        if kind in self.handlers:
            raise ValueError(f"outbox kind {kind!r} registered twice")
        self.handlers[kind] = handler
        if with_report:
            self._with_report.add(kind)

    def after(self, kind: str, hook: AfterHook) -> None:
        """Also run `hook` when a row of `kind` was delivered: work another part of cocbot attaches to a
        delivery it does not own (e.g. remembering the forum thread a message started)."""
        self._after.setdefault(kind, []).append(hook)

    def notify(self) -> None:
        self._wake.set()

    def backoff(self, attempts: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return max(retry_after, 0.0)
        base = min(self.max_backoff_seconds, 2.0 ** min(attempts, 20))
        return base * random.uniform(0.8, 1.0)

    async def take_over_earlier_runs(self) -> int:
        """At start with a single replica (SQLite): rows an earlier run of the bot held (it was killed, or
        stopped mid-delivery) are claimable at once instead of when their lease runs out."""
        async with self.db.transaction() as session:
            released = await outbox_q.release_leases_of_earlier_runs(session, owner=self.owner)
        if released:
            log.info("%d delivery(ies) an earlier run left unsettled are resumed now", released)
        return released

    async def _claim(self, limit: int) -> list[ClaimedItem]:
        return (await self._claim_round(limit, then_next=False))[0]

    async def _claim_round(self, limit: int, *, then_next: bool = True) -> tuple[list[ClaimedItem], float | None]:
        """Claim up to `limit` due rows; with `then_next`, when fewer came (nothing else is due now), also the
        seconds until the next row is due, asked in the same transaction (not one more after it)."""
        now = self.clock.now()
        wait: float | None = None
        async with self.db.transaction() as session:
            items = await outbox_q.claim_due(session, owner=self.owner, now=now,
                                             lease_seconds=self.lease_seconds, limit=limit)
            wanted = {i.report_id for i in items if i.kind in self._with_report and i.report_id is not None}
            if wanted:
                reports = await reports_q.get_reports(session, wanted)
                items = [dataclasses.replace(i, report=reports.get(i.report_id)) if i.kind in self._with_report
                         and i.report_id is not None else i for i in items]
            if then_next and len(items) < limit:
                wait = self._wait_for(await outbox_q.next_due_at(session))
        # A row this worker is still handling, claimed again because its lease lapsed (a heartbeat late on
        # a stalled database), must not be handled twice.
        items = [i for i in items if i.id not in self._held]
        for item in items:
            self._hold(item.id)
        return items, wait

    async def run_once(self) -> int:
        """Claim one batch and process it to the end; returns how many rows were handled (tests, demo)."""
        items = await self._claim(self.batch_size)
        if not items:
            return 0
        semaphore = asyncio.Semaphore(self.concurrency)

        async def guarded(item: ClaimedItem) -> None:
            async with semaphore:
                try:
                    await self._process(item)
                finally:
                    self._release(item.id)

        await asyncio.gather(*(guarded(i) for i in items))
        return len(items)

    # ---- leases: held while working, renewed by a heartbeat ----
    def _hold(self, item_id: int) -> None:
        self._held.add(item_id)
        self._heartbeat_idle.clear()
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._renew_leases(), name="cocbot-outbox-heartbeat")

    def _release(self, item_id: int) -> None:
        self._held.discard(item_id)
        if not self._held:
            # Ends the heartbeat while it waits (never cancelled mid-statement: see stop()).
            self._heartbeat_idle.set()

    async def _renew_leases(self) -> None:
        """Renew the leases of held rows every quarter lease: the lease can be short (a dead replica's rows
        are taken over soon) while a slow delivery keeps its row for as long as it runs."""
        interval = self.lease_seconds / 4
        while self._held:
            try:
                await asyncio.wait_for(self._heartbeat_idle.wait(), timeout=interval)
            except TimeoutError:
                pass
            ids = sorted(self._held)
            if not ids:
                return
            try:
                async with self.db.transaction() as session:
                    await outbox_q.renew_leases(session, owner=self.owner, ids=ids, now=self.clock.now(),
                                                lease_seconds=self.lease_seconds)
            except Exception as exc:  # the next beat tries again; the lease covers three missed beats
                log.warning("could not renew %d delivery lease(s) (%s)", len(ids), type(exc).__name__)

    async def _process(self, item: ClaimedItem) -> None:
        outcome = await self._attempt(item)
        if self.observe is not None:
            self.observe(item.kind, outcome)

    async def _attempt(self, item: ClaimedItem) -> str:
        handler = self.handlers.get(item.kind)
        try:
            if handler is None:
                raise DeliveryError(f"no handler for kind {item.kind}", transient=False)
            result = await handler(item)
            for hook in self._after.get(item.kind, ()):
                await hook(item, result.result if isinstance(result, Done) else result)
        except Deferred as exc:
            await self._reschedule(item, exc.seconds, str(exc), count=False)
            return "deferred"
        except PrivacyHold as exc:
            operator_log.warning("delivery %s held by the privacy gate: %s", item.key, exc)
            await self._settle(item, "held", f"privacy: {exc}")
            return "held"
        except DeliveryError as exc:
            if exc.transient:
                delay = self.backoff(item.attempts, exc.retry_after)
                log.info("delivery %s failed (%s); retrying in %.1fs", item.key, exc.code, delay)
                await self._reschedule(item, delay, exc.code, count=True)
                return "retried"
            else:
                operator_log.warning("delivery %s failed permanently: %s", item.key, exc.code)
                await self._settle(item, "failed", exc.code)
                return "failed"
        except Exception as exc:  # a bug must not lose the row: retry with backoff, loudly
            log.exception("delivery %s crashed (%s); will retry", item.key, type(exc).__name__)
            await self._reschedule(item, self.backoff(item.attempts, None), type(exc).__name__, count=True)
            return "crashed"
        else:
            try:
                await self._record_done(item, result)
            except Exception as exc:
                # As if the handler's own final write had failed: retry, loudly. The retry knows an earlier
                # attempt may have reached the platform (ClaimedItem.resent).
                log.exception("delivery %s could not be recorded (%s); will retry", item.key, type(exc).__name__)
                await self._reschedule(item, self.backoff(item.attempts, None), type(exc).__name__, count=True)
                return "crashed"
            return "delivered"

    async def _record_done(self, item: ClaimedItem, result: dict[str, Any] | Done) -> None:
        """Mark the row done, with the handler's own writes; returns once that is committed.

        Group commit: rows that finish while a commit is in flight are marked done together in the next
        transaction, instead of one transaction each queueing for the database (SQLite takes one writer
        at a time). Nothing waits for company: an idle worker commits at once. If the shared transaction
        fails, each row is recorded on its own, so one row's failing write never holds back the others.
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._done.append((item, result, waiter))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_done(), name="cocbot-outbox-done")
        await waiter

    async def _flush_done(self) -> None:
        while self._done:
            batch, self._done = self._done, []
            await self._commit_done(batch)

    async def _commit_done(self, batch: list[tuple[ClaimedItem, dict[str, Any] | Done, asyncio.Future[None]]]) -> None:
        try:
            async with self.db.transaction() as session:
                now = self.clock.now()
                done: list[tuple[int, dict[str, Any]]] = []
                for item, result, _ in batch:
                    if isinstance(result, Done):
                        await result.also(session)
                        result = result.result
                    done.append((item.id, result))
                await outbox_q.finish_many(session, done, owner=self.owner, now=now)
        except Exception as exc:
            if len(batch) > 1:
                for entry in batch:
                    await self._commit_done([entry])
                return
            if not batch[0][2].done():
                batch[0][2].set_exception(exc)
            return
        for _, _, waiter in batch:
            if not waiter.done():
                waiter.set_result(None)

    async def _reschedule(self, item: ClaimedItem, seconds: float, error: str | None, *, count: bool) -> None:
        at = self.clock.now() + timedelta(seconds=seconds)
        async with self.db.transaction() as session:
            await outbox_q.reschedule(session, item.id, owner=self.owner, at=at, error=error, count_attempt=count)

    async def _settle(self, item: ClaimedItem, status: str, error: str) -> None:
        async with self.db.transaction() as session:
            await outbox_q.settle(session, item.id, owner=self.owner, status=status, error=error,
                                  now=self.clock.now())

    def _wait_for(self, due: Any) -> float:
        if due is None:
            return self.poll_seconds
        return min(self.poll_seconds, max(0.0, (due - self.clock.now()).total_seconds()))

    async def run_forever(self) -> None:
        """Keep up to `concurrency` rows in flight, each on its own: a row whose platform call hangs holds
        only its own slot while the others are claimed and delivered around it."""
        queue: deque[ClaimedItem] = deque()
        try:
            while not self._stopping:
                self.last_turn = time.monotonic()
                # Cleared before looking, not after: a notify() (or a row finishing) that lands while the
                # claim or the next-due query is in flight must wake the wait below.
                self._wake.clear()
                try:
                    while queue and len(self._running) < self.concurrency:
                        self._start(queue.popleft())
                    if len(self._running) >= self.concurrency:
                        wait = self.poll_seconds  # full: a row finishing wakes the loop
                    else:
                        items, until_next = await self._claim_round(self.batch_size)
                        queue.extend(items)
                        if until_next is None:  # a full batch: more may be due at once
                            continue
                        while queue and len(self._running) < self.concurrency:
                            self._start(queue.popleft())
                        wait = until_next
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("outbox loop error; continuing")
                    wait = self.poll_seconds
                if self._stopping:
                    break
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.01))
                except TimeoutError:
                    pass
        finally:
            running = list(self._running.values())
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                for task in running:  # stop() gave up waiting: the rows' leases expire (see stop())
                    task.cancel()
                running, queue = [], deque()
            if running:
                # Stopping lets rows in flight finish (stop() cancels us, and so them, if they overrun).
                try:
                    await asyncio.gather(*running, return_exceptions=True)
                except asyncio.CancelledError:
                    for task in running:
                        task.cancel()
                    raise
            if queue:
                # Claimed but never started: hand them back at once rather than when the lease ends.
                try:
                    for item in queue:
                        await self._reschedule(item, 0.0, None, count=False)
                        self._release(item.id)
                except Exception:
                    log.warning("could not hand back %d claimed delivery(ies)", len(queue))

    def _start(self, item: ClaimedItem) -> None:
        async def one() -> None:
            try:
                await self._process(item)
            except Exception:
                log.exception("delivery %s could not be settled; its lease will expire", item.key)
            finally:
                self._running.pop(item.id, None)
                self._release(item.id)
                self._wake.set()

        self._running[item.id] = asyncio.create_task(one(), name=f"cocbot-outbox-{item.id}")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._stopping = False
        self.last_turn = time.monotonic()
        self._task = asyncio.create_task(self.run_forever(), name="cocbot-outbox")

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Let the round in flight finish, then stop; cancel only if it overruns `grace_seconds`.

        Cancelling in the middle of a database call can leave the SQLite driver's connection close
        pending forever (the process then hangs on shutdown); a claimed row left unsettled is retried
        by the next start (SQLite) or once its lease ends (PostgreSQL), looking first for what its
        interrupted attempt may have posted, so waiting is only about a clean exit.
        """
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=grace_seconds)
            except TimeoutError:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        heartbeat = self._heartbeat
        if heartbeat is not None and not heartbeat.done() and not self._held:
            self._heartbeat_idle.set()
            try:  # it ends at once unless a renewal is in flight; let that finish before the database closes
                await asyncio.wait_for(asyncio.shield(heartbeat), timeout=grace_seconds)
            except TimeoutError:
                pass

    async def drain(self, *, max_rounds: int = 1000) -> int:
        """Process everything due now, repeatedly, until nothing is left due (tests and the demo)."""
        total = 0
        for _ in range(max_rounds):
            n = await self.run_once()
            if not n:
                return total
            total += n
        return total
