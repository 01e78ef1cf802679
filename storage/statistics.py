"""One content-free row per case for the transparency report: what kind of case it was, how it ended and
how quickly the committee answered. No reference, person or day: the month filed is the finest date kept.

The rows outlive their reports (the report id is a plain number, not a foreign key), so a purged case
still counts in the figures. `refresh` rewrites the rows of the cases given from their live state; it is
idempotent and called whenever a case is acknowledged, decided or closed, and right before a purge.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    from cocbot.storage.triage import TriageBan, TriageDecision

    ids = sorted(set(report_ids))
    if not ids:
        return 0
    ack_due = acknowledge_due or _default_ack_due
    resp_due = respond_due or _default_respond_due
    reports = (await session.execute(
        select(col(Report.id), col(Report.created_at), col(Report.source), col(Report.anonymity),
               col(Report.category), col(Report.acknowledged_at), col(Report.decided_at),
               col(Report.delivery_state), col(Report.event_mode)).where(col(Report.id).in_(ids)))).all()
    outcomes: dict[int | None, str] = {}
    for decided_report, outcome in (await session.execute(
            select(col(TriageDecision.report_id), col(TriageDecision.outcome))
            .where(col(TriageDecision.report_id).in_(ids)).order_by(col(TriageDecision.id)))).all():
        outcomes[decided_report] = outcome  # the latest decision wins
    banned = set((await session.execute(
        select(col(TriageBan.report_id)).where(col(TriageBan.report_id).in_(ids)))).scalars().all())
    written = 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module: Any = postgresql if dialect == "postgresql" else sqlite
    for (report_id, created, source, anonymity, category, acknowledged, decided, delivery_state,
         event_mode) in reports:
        ack_ok = None if acknowledged is None else acknowledged <= ack_due(created, bool(event_mode))
        start = acknowledged or created
        resp_ok = None if decided is None else decided <= resp_due(start)
        values = {
            "report_id": report_id, "month": f"{created:%Y-%m}", "source": source, "anonymity": anonymity,
            "category": category, "outcome": outcomes.get(report_id), "ban_issued": report_id in banned,
            "acknowledge_seconds": _seconds(created, acknowledged), "respond_seconds": _seconds(created, decided),
            "acknowledged_within_promise": ack_ok, "responded_within_week": resp_ok,
            "held": delivery_state == "held", "refreshed_at": now,
        }
        statement = module.insert(table_of(CaseStatistic)).values(**values)
        update = {k: v for k, v in values.items() if k != "report_id"}
        await session.execute(statement.on_conflict_do_update(index_elements=["report_id"], set_=update))
        written += 1
    return written


async def all_report_ids(session: AsyncSession) -> list[int]:
    ids = (await session.execute(select(col(Report.id)).where(col(Report.ref).is_not(None)))).scalars().all()
    return [i for i in ids if i is not None]


async def rows_between(session: AsyncSession, first_month: str, last_month: str) -> list[Statistic]:
    """The rows of cases filed in these months (inclusive, YYYY-MM), held ones included (callers drop them)."""
    rows = (await session.execute(
        select(CaseStatistic).where(col(CaseStatistic.month) >= first_month, col(CaseStatistic.month) <= last_month)
        .order_by(col(CaseStatistic.month), col(CaseStatistic.id)))).scalars().all()
    return [Statistic(r.month, r.source, r.anonymity, r.category, r.outcome, r.ban_issued, r.acknowledge_seconds,
                      r.respond_seconds, r.acknowledged_within_promise, r.responded_within_week, r.held)
            for r in rows]


async def forget(session: AsyncSession, report_ids: Iterable[int]) -> None:
    """For tests and a restore: drop rows (the purge keeps them)."""
    await session.execute(delete(CaseStatistic).where(col(CaseStatistic.report_id).in_(list(report_ids))))
