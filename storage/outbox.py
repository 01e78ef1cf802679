"""Outbox queries: enqueue idempotently, claim due rows under a lease, and settle them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.storage.content import SEAL
from cocbot.storage.models import OutboxItem
from cocbot.storage.queries import insert_ignoring_duplicates, rowcount, table_of
from cocbot.storage.reports import ReportRecord


@dataclass(frozen=True)
class ClaimedItem:
    id: int
    key: str
    kind: str
    report_id: int | None
    payload: dict[str, Any]
    attempts: int
    # An earlier attempt may have reached the platform without the row recording it: the row was retried
    # (`attempts`) or claimed before and never settled (that worker died or its database write failed).
    # Handlers that post then first look for that earlier post instead of posting again.
    resent: bool = False
    created_at: datetime | None = None
    # The row's report as read in the claim's own transaction, for kinds registered to want it
    # (bot/outbox.OutboxWorker.register(..., with_report=True)); None otherwise.
    report: ReportRecord | None = None

    @property
    def earlier_since(self) -> datetime | None:
        """For a resent row, a time before any earlier attempt of it (when it was queued); else None."""
        return self.created_at if self.resent else None


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    now: datetime,
    report_id: int | None = None,
    payload: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Add a row unless one with this key exists; returns whether it was added."""
    values = {
        "key": key,
        "kind": kind,
        "report_id": report_id,
        "payload_sealed": SEAL.seal(payload or {}),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due_at or now,
        "created_at": now,
    }
    result = await session.execute(insert_ignoring_duplicates(session, table_of(OutboxItem), values))
    return bool(rowcount(result))


@dataclass(frozen=True)
class NewItem:
    """One row for `enqueue_many`; the fields mean what `enqueue`'s arguments mean."""

    key: str
    kind: str
    report_id: int | None = None
    payload: dict[str, Any] | None = None
    due_at: datetime | None = None


async def enqueue_many(session: AsyncSession, items: list[NewItem], *, now: datetime) -> int:
    """`enqueue` for several rows in one statement (each row still skipped if its key exists).

    Returns how many rows were added. One multi-row INSERT instead of one per row: every statement costs
    a few thread hand-offs on aiosqlite, and a report schedules several reminders at once.
    """
    if not items:
        return 0
    rows = [
        {
            "key": item.key,
            "kind": item.kind,
            "report_id": item.report_id,
            "payload_sealed": SEAL.seal(item.payload or {}),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": item.due_at or now,
            "created_at": now,
        }
        for item in items
    ]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        # One round trip: SQLAlchemy writes the rows into one multi-row VALUES from the cached statement
        # ("insertmanyvalues", for an INSERT … RETURNING run with many rows). Built with .values(rows)
        # instead, the statement was compiled afresh on every report's intake, which cost more CPU than
        # the round trips it saved. RETURNING names the rows added (those whose key was new).
        return len((await session.execute(_insert_ignoring_postgresql(), rows)).all())
    # SQLite: one cached statement run as executemany (no round trips to save; sqlite3 sums the rowcount).
    result = await session.execute(_insert_ignoring_sqlite(), rows)
    return int(rowcount(result) or 0)


# Statements on the delivery hot path are built once, with bound parameters, and executed with values:
# building one per call, and computing its cache key, cost more than running it.

@cache
def _insert_ignoring_sqlite() -> Any:
    return sqlite.insert(table_of(OutboxItem)).on_conflict_do_nothing()


@cache
def _insert_ignoring_postgresql() -> Any:
    table = table_of(OutboxItem)
    return postgresql.insert(table).on_conflict_do_nothing().returning(table.c.id)


@cache
def _finish() -> Any:
    c = table_of(OutboxItem).c
    return (
        update(table_of(OutboxItem))
        .where(c.id == bindparam("b_id"), c.lease_owner == bindparam("b_owner"))
        .values(status="done", done_at=bindparam("v_done_at", type_=c.done_at.type), lease_owner=None,
                lease_until=None, last_error=None, result_sealed=bindparam("v_result", type_=c.result_sealed.type),
                attempts=c.attempts + 1)
    )


def _claimable(now: Any) -> Any:
    c = table_of(OutboxItem).c
    return (c.status == "pending") & (c.next_attempt_at <= now) & or_(c.lease_until.is_(None), c.lease_until < now)


# The claim runs every time the worker wakes: its statements are built once, with bound parameters (building
# them and computing their cache keys on every claim cost more than running them).

def _now_param() -> Any:
    return bindparam("b_now", type_=table_of(OutboxItem).c.next_attempt_at.type)


@cache
def _due(with_previous_owner: bool) -> Any:
    c = table_of(OutboxItem).c
    due = (
        select(c.id)
        .where(_claimable(_now_param()))
        .order_by(c.next_attempt_at, c.id)
        .limit(bindparam("b_limit"))
        .with_for_update(skip_locked=True)
    )
    return due.add_columns(c.lease_owner) if with_previous_owner else due


@cache
def _claim_postgresql() -> Any:
    # One statement instead of three (select ids, update, read back): the CTE locks the rows
    # (skipping those another replica holds) and the outer condition re-checks them, as before.
    # MATERIALIZED makes PostgreSQL run the locking query once; as a plain IN (subquery) the planner
    # may rescan it and lease more than `limit` rows. The CTE also carries each row's previous lease
    # owner (RETURNING shows only the new one): a row still leased to someone when its lease ran out
    # was never settled (ClaimedItem.resent).
    table = table_of(OutboxItem)
    c = table.c
    chosen = _due(False).add_columns(c.lease_owner.label("prev_owner")).cte("due").prefix_with("MATERIALIZED")
    return (
        update(table)
        .where(c.id == chosen.c.id, _claimable(_now_param()))
        .values(lease_owner=bindparam("b_owner"), lease_until=bindparam("b_until", type_=c.lease_until.type))
        .returning(*_CLAIMED_COLUMNS, chosen.c.prev_owner)
    )


@cache
def _lease(returning: bool) -> Any:
    table = table_of(OutboxItem)
    c = table.c
    lease = (update(table).where(c.id.in_(bindparam("b_ids", expanding=True)), _claimable(_now_param()))
             .values(lease_owner=bindparam("b_owner"), lease_until=bindparam("b_until", type_=c.lease_until.type)))
    return lease.returning(*_CLAIMED_COLUMNS) if returning else lease


async def claim_due(
    session: AsyncSession, *, owner: str, now: datetime, lease_seconds: float, limit: int = 20
) -> list[ClaimedItem]:
    """Lease up to `limit` due rows to `owner`.

    On PostgreSQL `FOR UPDATE SKIP LOCKED` lets replicas claim disjoint rows without waiting; a replica
    that dies keeps its rows only until the lease runs out. SQLite ignores the locking clause and runs
    a single replica.
    """
    lease_until = now + timedelta(seconds=lease_seconds)
    # Core statements on the table, not ORM ones on the class: the same SQL without the ORM's
    # per-execution bulk-update bookkeeping (on the hot path of every delivery).
    params: dict[str, Any] = {"b_now": now, "b_limit": limit, "b_owner": owner, "b_until": lease_until}
    dialect = session.bind.dialect if session.bind is not None else None
    if dialect is not None and dialect.name == "postgresql":
        rows = (await session.execute(_claim_postgresql(), params)).all()
        # RETURNING gives no order; hand rows out oldest first, as the subquery chose them.
        rows = sorted(rows, key=lambda r: (r.next_attempt_at, r.id))
        return [_claimed(r, r.prev_owner) for r in rows]
    # SQLite (one writer, no locking clause; its RETURNING cannot name another table): read the due rows
    # with their previous owners, then lease them.
    previous = {r.id: r.lease_owner for r in (await session.execute(_due(True), params)).all()}
    if not previous:
        return []
    params["b_ids"] = list(previous)
    if dialect is not None and dialect.update_returning:
        claimed = (await session.execute(_lease(True), params)).all()
    else:  # SQLite before 3.35 has no RETURNING
        c = table_of(OutboxItem).c
        await session.execute(_lease(False), params)
        claimed = (await session.execute(select(*_CLAIMED_COLUMNS).where(c.id.in_(list(previous)),
                                                                         c.lease_owner == owner))).all()
    claimed = sorted(claimed, key=lambda r: (r.next_attempt_at, r.id))
    return [_claimed(r, previous[r.id]) for r in claimed]


_C = table_of(OutboxItem).c
_CLAIMED_COLUMNS = (_C.id, _C.key, _C.kind, _C.report_id, _C.payload_sealed, _C.attempts, _C.next_attempt_at,
                    _C.created_at)


def _claimed(row: Any, previous_owner: str | None) -> ClaimedItem:
    return ClaimedItem(row.id, row.key, row.kind, row.report_id, SEAL.unseal(row.payload_sealed), row.attempts,
                       resent=previous_owner is not None or row.attempts > 0, created_at=row.created_at)


async def renew_leases(session: AsyncSession, *, owner: str, ids: list[int], now: datetime,
                       lease_seconds: float) -> int:
    """Extend the leases of rows `owner` is still working on (its heartbeat), so the lease can be short: a
    replica that dies stops renewing and its rows are taken over once the short lease runs out."""
    if not ids:
        return 0
    c = table_of(OutboxItem).c
    result = await session.execute(
        update(table_of(OutboxItem))
        .where(c.id.in_(ids), c.lease_owner == owner, c.status == "pending")
        .values(lease_until=now + timedelta(seconds=lease_seconds))
    )
    return int(rowcount(result) or 0)


async def release_leases_of_earlier_runs(session: AsyncSession, *, owner: str) -> int:
    """Make rows leased by anyone but `owner` claimable now. Only for a single replica (SQLite) at start:
    every other owner is then a process that is gone. The owner stays recorded, so the next claim knows
    the row's last attempt never settled (ClaimedItem.resent)."""
    c = table_of(OutboxItem).c
    result = await session.execute(
        update(table_of(OutboxItem))
        .where(c.status == "pending", c.lease_owner.is_not(None), c.lease_owner != owner)
        .values(lease_until=None)
    )
    return int(rowcount(result) or 0)


async def finish(session: AsyncSession, item_id: int, *, owner: str, now: datetime, result: dict[str, Any]) -> None:
    await session.execute(_finish(), {"b_id": item_id, "b_owner": owner, "v_done_at": now,
                                      "v_result": SEAL.seal(result)})


async def finish_many(session: AsyncSession, done: list[tuple[int, dict[str, Any]]], *, owner: str,
                      now: datetime) -> None:
    """`finish` for several rows (item id, result) in one statement: rows that finish together are
    settled in one transaction, and one execution per row cost more than the row's own update."""
    if not done:
        return
    await session.execute(_finish(), [{"b_id": item_id, "b_owner": owner, "v_done_at": now,
                                       "v_result": SEAL.seal(result)} for item_id, result in done])


async def reschedule(
    session: AsyncSession, item_id: int, *, owner: str, at: datetime, error: str | None, count_attempt: bool = True
) -> None:
    values: dict[str, Any] = {"next_attempt_at": at, "lease_owner": None, "lease_until": None}
    if error is not None:
        values["last_error"] = error[:200]
    if count_attempt:
        values["attempts"] = col(OutboxItem.attempts) + 1
    await session.execute(
        update(OutboxItem).where(col(OutboxItem.id) == item_id, col(OutboxItem.lease_owner) == owner).values(**values)
    )


async def settle(session: AsyncSession, item_id: int, *, owner: str, status: str, error: str, now: datetime) -> None:
    """End a row without delivering it: `held` (privacy gate) or `failed` (permanent platform error)."""
    await session.execute(
        update(OutboxItem)
        .where(col(OutboxItem.id) == item_id, col(OutboxItem.lease_owner) == owner)
        .values(status=status, last_error=error[:200], lease_owner=None, lease_until=None, done_at=now,
                attempts=col(OutboxItem.attempts) + 1)
    )


async def item_status(session: AsyncSession, key: str) -> tuple[str, dict[str, Any] | None] | None:
    row = (
        await session.execute(
            select(col(OutboxItem.status), col(OutboxItem.result_sealed)).where(col(OutboxItem.key) == key))
    ).one_or_none()
    if row is None:
        return None
    return row[0], SEAL.unseal(row[1])


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the next pending row can be claimed: a leased row not before its lease runs out (a waiting
    replica then wakes as a dead one's lease ends, rather than polling a row that someone holds)."""
    free, leased = (await session.execute(_next_due())).one()
    return min((t for t in (free, leased) if t is not None), default=None)


# Later than any row's time: the bound of the leased rows' scan when no free row is pending.
_NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)


@cache
def _next_due() -> Any:
    """The worker asks this every time it goes idle, and pending rows are mostly reminders due days ahead (a
    hundred thousand on a busy community): the minimum of a computed time over all of them read every
    pending row. A row is claimable at its lease's end while that is after its due time, else at its due
    time, so the answer is the smaller of two index scans: the first free row in due order, and the
    earliest lease end among leased rows due before it (a leased row due later cannot end up earlier).
    Leased rows were due when claimed: both scans stop after the rows in flight."""
    c = table_of(OutboxItem).c
    leased = c.lease_until > c.next_attempt_at
    free = (select(c.next_attempt_at).where(c.status == "pending", or_(c.lease_until.is_(None), ~leased))
            .order_by(c.next_attempt_at).limit(1).scalar_subquery())
    bound = func.coalesce(free, bindparam("b_never", _NEVER, type_=c.next_attempt_at.type),
                          type_=c.next_attempt_at.type)
    earliest_lease = (select(func.min(c.lease_until)).where(c.status == "pending", leased, c.next_attempt_at < bound)
                      .scalar_subquery())
    return select(free, earliest_lease)


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(col(OutboxItem.status), func.count()).group_by(col(OutboxItem.status)))
    return {s: n for s, n in rows.all()}


async def cancel(session: AsyncSession, *, report_id: int, kinds: tuple[str, ...] | None = None,
                 now: datetime) -> int:
    """Cancel a report's pending rows (all, or only these kinds): e.g. reminders once acknowledged.

    A row already leased to a worker is cancelled too; its worker's settle is then a no-op because
    settling requires the row to still be leased to it, and handlers re-check report state at send time.
    """
    stmt = (
        update(OutboxItem)
        .where(col(OutboxItem.report_id) == report_id, col(OutboxItem.status) == "pending")
        .values(status="cancelled", done_at=now, lease_owner=None, lease_until=None)
    )
    if kinds is not None:
        stmt = stmt.where(col(OutboxItem.kind).in_(kinds))
    result = await session.execute(stmt)
    return int(rowcount(result) or 0)
