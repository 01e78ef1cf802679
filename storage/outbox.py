"""Outbox queries: enqueue idempotently, claim due rows under a lease, and settle them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.content import SEAL
from storage.models import OutboxItem
from storage.queries import insert_ignoring_duplicates
from storage.reports import ReportRecord


@dataclass(frozen=True)
class ClaimedItem:
    id: int
    key: str
    kind: str
    report_id: int | None
    payload: dict[str, Any]
    attempts: int
    # The row's report as read in the claim's own transaction, for kinds registered to want it
    # (bot/outbox.OutboxWorker.register(..., with_report=True)); None otherwise.
    report: ReportRecord | None = None


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
    result = await session.execute(insert_ignoring_duplicates(session, OutboxItem.__table__, values))
    return bool(result.rowcount)


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
        # A round trip per statement matters more there than compiling it (a multi-row VALUES is
        # compiled afresh every time: SQLAlchemy cannot cache it).
        multi = postgresql.insert(OutboxItem.__table__).values(rows).on_conflict_do_nothing()
        return int((await session.execute(multi)).rowcount or 0)
    # SQLite: one cached statement run as executemany (no round trips to save; sqlite3 sums the rowcount).
    result = await session.execute(_insert_ignoring_sqlite(), rows)
    return int(result.rowcount or 0)


# Statements on the delivery hot path are built once, with bound parameters, and executed with values:
# building one per call, and computing its cache key, cost more than running it (issue 8).

@cache
def _insert_ignoring_sqlite() -> Any:
    return sqlite.insert(OutboxItem.__table__).on_conflict_do_nothing()


@cache
def _finish() -> Any:
    c = OutboxItem.__table__.c
    return (
        update(OutboxItem.__table__)
        .where(c.id == bindparam("b_id"), c.lease_owner == bindparam("b_owner"))
        .values(status="done", done_at=bindparam("v_done_at", type_=c.done_at.type), lease_owner=None,
                lease_until=None, last_error=None, result_sealed=bindparam("v_result", type_=c.result_sealed.type),
                attempts=c.attempts + 1)
    )


def _claimable(now: datetime) -> Any:
    c = OutboxItem.__table__.c
    return (c.status == "pending") & (c.next_attempt_at <= now) & or_(c.lease_until.is_(None), c.lease_until < now)


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
    table = OutboxItem.__table__
    c = table.c
    due = (
        select(c.id)
        .where(_claimable(now))
        .order_by(c.next_attempt_at, c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    dialect = session.bind.dialect if session.bind is not None else None
    if dialect is not None and dialect.update_returning:
        # One statement instead of three (select ids, update, read back): the CTE locks the rows
        # (skipping those another replica holds) and the outer condition re-checks them, as before.
        # MATERIALIZED makes PostgreSQL run the locking query once; as a plain IN (subquery) the planner
        # may rescan it and lease more than `limit` rows.
        chosen = due.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
        rows = (
            await session.execute(
                update(table)
                .where(c.id.in_(select(chosen.c.id)), _claimable(now))
                .values(lease_owner=owner, lease_until=lease_until)
                .returning(c.id, c.key, c.kind, c.report_id, c.payload_sealed, c.attempts, c.next_attempt_at)
            )
        ).all()
        # RETURNING gives no order; hand rows out oldest first, as the subquery chose them.
        rows = sorted(rows, key=lambda r: (r.next_attempt_at, r.id))
        return [ClaimedItem(r.id, r.key, r.kind, r.report_id, SEAL.unseal(r.payload_sealed), r.attempts) for r in rows]
    # SQLite before 3.35 has no RETURNING.
    ids = (await session.execute(due)).scalars().all()
    if not ids:
        return []
    await session.execute(
        update(OutboxItem)
        .where(OutboxItem.id.in_(ids), _claimable(now))
        .values(lease_owner=owner, lease_until=lease_until)
    )
    claimed = (
        await session.execute(
            select(OutboxItem).where(OutboxItem.id.in_(ids), OutboxItem.lease_owner == owner)
        )
    ).scalars().all()
    return [ClaimedItem(r.id, r.key, r.kind, r.report_id, SEAL.unseal(r.payload_sealed), r.attempts) for r in claimed]  # type: ignore[arg-type]


async def finish(session: AsyncSession, item_id: int, *, owner: str, now: datetime, result: dict[str, Any]) -> None:
    await session.execute(_finish(), {"b_id": item_id, "b_owner": owner, "v_done_at": now,
                                      "v_result": SEAL.seal(result)})


async def reschedule(
    session: AsyncSession, item_id: int, *, owner: str, at: datetime, error: str | None, count_attempt: bool = True
) -> None:
    values: dict[str, Any] = {"next_attempt_at": at, "lease_owner": None, "lease_until": None}
    if error is not None:
        values["last_error"] = error[:200]
    if count_attempt:
        values["attempts"] = OutboxItem.attempts + 1
    await session.execute(
        update(OutboxItem).where(OutboxItem.id == item_id, OutboxItem.lease_owner == owner).values(**values)
    )


async def settle(session: AsyncSession, item_id: int, *, owner: str, status: str, error: str, now: datetime) -> None:
    """End a row without delivering it: `held` (privacy gate) or `failed` (permanent platform error)."""
    await session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.lease_owner == owner)
        .values(status=status, last_error=error[:200], lease_owner=None, lease_until=None, done_at=now,
                attempts=OutboxItem.attempts + 1)
    )


async def item_status(session: AsyncSession, key: str) -> tuple[str, dict[str, Any] | None] | None:
    row = (
        await session.execute(select(OutboxItem.status, OutboxItem.result_sealed).where(OutboxItem.key == key))
    ).one_or_none()
    if row is None:
        return None
    return row[0], SEAL.unseal(row[1])


async def next_due_at(session: AsyncSession) -> datetime | None:
    return (
        await session.execute(select(func.min(OutboxItem.next_attempt_at)).where(OutboxItem.status == "pending"))
    ).scalar_one_or_none()


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {s: n for s, n in rows.all()}


async def cancel(session: AsyncSession, *, report_id: int, kinds: tuple[str, ...] | None = None,
                 now: datetime) -> int:
    """Cancel a report's pending rows (all, or only these kinds): e.g. reminders once acknowledged.

    A row already leased to a worker is cancelled too; its worker's settle is then a no-op because
    settling requires the row to still be leased to it, and handlers re-check report state at send time.
    """
    stmt = (
        update(OutboxItem)
        .where(OutboxItem.report_id == report_id, OutboxItem.status == "pending")
        .values(status="cancelled", done_at=now, lease_owner=None, lease_until=None)
    )
    if kinds is not None:
        stmt = stmt.where(OutboxItem.kind.in_(kinds))
    result = await session.execute(stmt)
    return int(result.rowcount or 0)
