"""One content-free row per case for the transparency report: what kind of case it was, how it ended and
how quickly the committee answered. No reference, person or day: the month filed is the finest date kept.

The rows outlive their reports (the report id is a plain number, not a foreign key), so a purged case
still counts in the figures. `refresh` rewrites the rows of the cases given from their live state; it is
idempotent and called whenever a case is acknowledged, decided or closed, and right before a purge.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import datetime, timedelta
from typing import Any
from collections.abc import Callable, Iterable

from sqlalchemy import Column, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.models import Report
from cocbot.storage.queries import table_of
from cocbot.storage.types import UTCDateTime

# When a promise fell due, given when it started (and whether the report was filed during an event).
AcknowledgeDue = Callable[[datetime, bool], datetime]
RespondDue = Callable[[datetime], datetime]


class CaseStatistic(SQLModel, table=True):
    __tablename__ = "case_statistics"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(unique=True, index=True)
    month: str = Field(max_length=7, index=True)  # YYYY-MM the report was filed
    source: str = Field(max_length=30)
    anonymity: str = Field(max_length=20)
    category: str | None = Field(default=None, max_length=60)
    outcome: str | None = Field(default=None, max_length=30)
    ban_issued: bool = False
    acknowledge_seconds: int | None = None
    respond_seconds: int | None = None
    acknowledged_within_promise: bool | None = None
    responded_within_week: bool | None = None
    held: bool = False
    refreshed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


@dataclass(frozen=True)
class Statistic:
    month: str
    source: str
    anonymity: str
    category: str | None
    outcome: str | None
    ban_issued: bool
    acknowledge_seconds: int | None
    respond_seconds: int | None
    acknowledged_within_promise: bool | None
    responded_within_week: bool | None
    held: bool


def _default_ack_due(created: datetime, event_mode: bool) -> datetime:
    return created + timedelta(hours=24)


def _default_respond_due(start: datetime) -> datetime:
    return start + timedelta(days=7)


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, int((end - start).total_seconds()))


async def refresh(session: AsyncSession, report_ids: Iterable[int], *, acknowledge_due: AcknowledgeDue | None = None,
                  respond_due: RespondDue | None = None, now: datetime | None = None) -> int:
    """Upsert the statistics rows of these reports from their live state; returns how many were written.

    Reports that no longer exist keep the row they had (it outlives them)."""
    ids = sorted(set(report_ids))
    written = 0
    for start in range(0, len(ids), _SLICE):
        written += await _refresh_slice(session, ids[start:start + _SLICE], acknowledge_due, respond_due, now)
    return written


# Small slices: a purge refreshes every case it deletes, with its statements off the event loop (bot/retention),
# and the loop turns between two statements: the Python of a slice (computing its rows) is what it waits for.
_SLICE = 50


async def _refresh_slice(session: AsyncSession, ids: list[int], acknowledge_due: AcknowledgeDue | None,
                         respond_due: RespondDue | None, now: datetime | None) -> int:
    ack_due = acknowledge_due or _default_ack_due
    resp_due = respond_due or _default_respond_due
    # One read for the cases, their latest decision and whether it banned (the purge refreshes every case it
    # deletes, so this runs once per batch of a purge of the whole history).
    reports = (await session.execute(_live_rows(), {"ids": ids})).all()
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    values: list[dict[str, Any]] = []
    for (report_id, created, source, anonymity, category, acknowledged, decided, delivery_state,
         event_mode, outcome, banned) in reports:
        ack_ok = None if acknowledged is None else acknowledged <= ack_due(created, bool(event_mode))
        start = acknowledged or created
        resp_ok = None if decided is None else decided <= resp_due(start)
        values.append({
            "report_id": report_id, "month": f"{created:%Y-%m}", "source": source, "anonymity": anonymity,
            "category": category, "outcome": outcome, "ban_issued": bool(banned),
            "acknowledge_seconds": _seconds(created, acknowledged), "respond_seconds": _seconds(created, decided),
            "acknowledged_within_promise": ack_ok, "responded_within_week": resp_ok,
            "held": delivery_state == "held", "refreshed_at": now,
        })
    if values:
        # One statement for all of them (executemany): a transparency report over many cases stays quick.
        await session.execute(_upsert(dialect), values)
    return len(values)


@cache
def _live_rows() -> Any:
    """The live state a statistics row is computed from; built once (the purge runs it per batch)."""
    from sqlalchemy import bindparam, exists

    from cocbot.storage.triage import TriageBan, TriageDecision

    r = table_of(Report).c
    d = table_of(TriageDecision).c
    b = table_of(TriageBan).c
    # The latest decision wins.
    outcome = (select(d.outcome).where(d.report_id == r.id).order_by(d.id.desc()).limit(1)
               .correlate(table_of(Report)).scalar_subquery())
    banned = exists().where(b.report_id == r.id).correlate(table_of(Report))
    return select(r.id, r.created_at, r.source, r.anonymity, r.category, r.acknowledged_at, r.decided_at,
                  r.delivery_state, r.event_mode, outcome, banned).where(r.id.in_(bindparam("ids", expanding=True)))


@cache
def _upsert(dialect: str) -> Any:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table_of(CaseStatistic))
    update = {c.name: statement.excluded[c.name] for c in table_of(CaseStatistic).c
              if c.name not in ("id", "report_id")}
    return statement.on_conflict_do_update(index_elements=["report_id"], set_=update)


async def stale_report_ids(session: AsyncSession) -> list[int]:
    """Reports whose row may be behind: open ones, and any without a row. A closed case's row was written
    when it closed (every triage step refreshes it), so a report over many closed cases rereads none."""
    from cocbot.storage.duty import CLOSED_STATES

    has_row = select(col(CaseStatistic.report_id))
    ids = (await session.execute(select(col(Report.id)).where(
        col(Report.ref).is_not(None),
        col(Report.state).not_in(CLOSED_STATES) | col(Report.id).not_in(has_row)))).scalars().all()
    return [i for i in ids if i is not None]


async def rows_between(session: AsyncSession, first_month: str, last_month: str) -> list[Statistic]:
    """The rows of cases filed in these months (inclusive, YYYY-MM), held ones included (callers drop them)."""
    c = table_of(CaseStatistic).c
    # Plain rows, not ORM objects: a year of a large community's cases reads in well under a second.
    rows = (await session.execute(
        select(c.month, c.source, c.anonymity, c.category, c.outcome, c.ban_issued, c.acknowledge_seconds,
               c.respond_seconds, c.acknowledged_within_promise, c.responded_within_week, c.held)
        .where(c.month >= first_month, c.month <= last_month).order_by(c.month, c.id))).all()
    return [Statistic(*r) for r in rows]


@dataclass(frozen=True)
class Ranked:
    """Values of one timing column, enough to take any percentile: how many, and a way to read by rank."""

    count: int
    # rank (0-based, ascending) → value, for the ranks a percentile needs
    at: dict[int, int]


@dataclass(frozen=True)
class Totals:
    """What the transparency report counts over a period, held reports left out."""

    received: int
    by_source: dict[str, int]
    by_anonymity: dict[str, int]
    by_category: dict[str | None, int]
    by_outcome: dict[str | None, int]
    bans: int
    acknowledge: Ranked
    respond: Ranked
    acknowledged_in_time: tuple[int, int]  # (kept, out of)
    responded_in_time: tuple[int, int]


def ranks_for(count: int, quantiles: Iterable[float]) -> set[int]:
    """The ranks linear interpolation reads for these percentiles (see bot/transparency/figures.percentile)."""
    import math

    needed: set[int] = set()
    for q in quantiles:
        position = (count - 1) * q / 100
        needed.update({math.floor(position), math.ceil(position)})
    return needed


async def totals_between(session: AsyncSession, first_month: str, last_month: str,
                         quantiles: Iterable[float] = (50, 90)) -> Totals:
    """The period's figures aggregated in the database: a year of a large community's cases is counted
    without reading its rows one by one."""
    from sqlalchemy import case, func

    c = table_of(CaseStatistic).c
    kept = (c.month >= first_month) & (c.month <= last_month) & (c.held == False)  # noqa: E712
    wanted = tuple(quantiles)

    def yes(column: Any) -> Any:
        return func.coalesce(func.sum(case((column == True, 1), else_=0)), 0)  # noqa: E712

    # One pass for every count: grouped by the four dimensions (a handful of groups), summed here.
    groups = (await session.execute(select(
        c.source, c.anonymity, c.category, c.outcome, func.count(), yes(c.ban_issued),
        func.count(c.acknowledge_seconds),
        func.count(c.respond_seconds), yes(c.acknowledged_within_promise), func.count(c.acknowledged_within_promise),
        yes(c.responded_within_week), func.count(c.responded_within_week))
        .where(kept).group_by(c.source, c.anonymity, c.category, c.outcome))).all()
    by: list[dict[Any, int]] = [{}, {}, {}, {}]
    sums = [0] * 8
    for row in groups:
        for i in range(4):
            by[i][row[i]] = by[i].get(row[i], 0) + int(row[4])
        for i in range(8):
            sums[i] += int(row[4 + i])
    received, bans, ack_n, resp_n, ack_ok, ack_of, resp_ok, resp_of = sums

    async def ranked(column: Any, count: int) -> Ranked:
        needed = ranks_for(count, wanted) if count else set()
        if not needed:
            return Ranked(count, {})
        # One sort per column: the ranks a percentile needs, numbered by a window function.
        numbered = select(column.label("v"), (func.row_number().over(order_by=column) - 1).label("rk")) \
            .where(kept, column.is_not(None)).subquery()
        rows = (await session.execute(select(numbered.c.rk, numbered.c.v)
                                      .where(numbered.c.rk.in_(sorted(needed))))).all()
        return Ranked(count, {int(rk): int(v) for rk, v in rows})

    return Totals(received, by[0], by[1], by[2], by[3], bans, await ranked(c.acknowledge_seconds, ack_n),
                  await ranked(c.respond_seconds, resp_n), (ack_ok, ack_of), (resp_ok, resp_of))


async def forget(session: AsyncSession, report_ids: Iterable[int]) -> None:
    """For tests and a restore: drop rows (the purge keeps them)."""
    await session.execute(delete(CaseStatistic).where(col(CaseStatistic.report_id).in_(list(report_ids))))
