"""Held reports: a report its reporter asked to keep from the committee until someone else names the same
person. The report itself is an ordinary sealed report; this row says that nobody may see it, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.models import Report
from cocbot.storage.queries import rowcount
from cocbot.storage.types import UTCDateTime


class HoldState:
    HELD = "held"
    RELEASED = "released"  # by the reporter
    MATCHED = "matched"  # released by a match
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    # A report in one of these is shown to nobody (still held, or withdrawn or expired for good).
    HIDDEN = (HELD, WITHDRAWN, EXPIRED)


class ReportHold(SQLModel, table=True):
    __tablename__ = "report_holds"

    report_id: int = Field(foreign_key="reports.id", primary_key=True)
    state: str = Field(default=HoldState.HELD, max_length=12)
    held_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    settled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


@dataclass(frozen=True)
class HoldRecord:
    report_id: int
    state: str
    held_at: datetime
    expires_at: datetime
    settled_at: datetime | None

    @property
    def by_match(self) -> bool:
        return self.state == HoldState.MATCHED


def hidden() -> Any:
    """The SQL predicate "this report is held (or was withdrawn or expired while held)": every listing,
    count, reminder or figure of reports leaves these out (`~hidden()`), since nobody may see them."""
    return exists(select(col(ReportHold.report_id)).where(col(ReportHold.report_id) == col(Report.id),
                                                          col(ReportHold.state).in_(HoldState.HIDDEN)))


def visible() -> Any:
    """The SQL predicate "shown to its committee" (the negation of `hidden`)."""
    return ~hidden()


async def add_hold(session: AsyncSession, report_id: int, *, now: datetime, expires_at: datetime) -> None:
    session.add(ReportHold(report_id=report_id, held_at=now, expires_at=expires_at))
    await session.flush()


async def is_hidden(session: AsyncSession, report_id: int) -> bool:
    state = (await session.execute(select(col(ReportHold.state)).where(
        col(ReportHold.report_id) == report_id))).scalar_one_or_none()
    return state in HoldState.HIDDEN


async def get_hold(session: AsyncSession, report_id: int) -> HoldRecord | None:
    row = await session.get(ReportHold, report_id)
    return None if row is None else HoldRecord(row.report_id, row.state, row.held_at, row.expires_at, row.settled_at)


async def settle(session: AsyncSession, report_id: int, *, state: str, now: datetime) -> bool:
    """Move a hold out of `held` (once: False when it already left it). A released hold makes the report
    visible; a withdrawn or expired one leaves it hidden for good."""
    result = await session.execute(
        update(ReportHold).where(col(ReportHold.report_id) == report_id, col(ReportHold.state) == HoldState.HELD)
        .values(state=state, settled_at=now))
    return bool(rowcount(result))


async def erase_content(session: AsyncSession, report_id: int) -> None:
    """What a withdrawn or expired hold keeps: nothing of the report but who to tell (the reporter)."""
    from cocbot.storage.content import SEAL

    await session.execute(update(Report).where(col(Report.id) == report_id).values(
        content_sealed=SEAL.seal({}), people_sealed=SEAL.seal({}), where_channel=None, flagged_channel=None,
        flagged_ts=None, flagged_permalink=None))


async def held_report_ids(session: AsyncSession) -> list[int]:
    """Every report still held, oldest first (few: a reporter's own list is found among them)."""
    return [int(r) for r in (await session.execute(
        select(col(ReportHold.report_id)).where(col(ReportHold.state) == HoldState.HELD)
        .order_by(col(ReportHold.report_id)))).scalars().all()]


async def is_held(session: AsyncSession, report_id: int) -> bool:
    """Still held (waiting for a match), as opposed to released, withdrawn or expired."""
    hold = await get_hold(session, report_id)
    return hold is not None and hold.state == HoldState.HELD
