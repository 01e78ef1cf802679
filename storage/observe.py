"""Counts an operator's metrics read at scrape time: aggregates only, never a row's content or ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.storage.models import OutboxItem, Report
from cocbot.storage.queries import table_of


@dataclass(frozen=True)
class Pending:
    kind: str
    count: int
    oldest: datetime | None  # when the longest-waiting row was written


async def ping(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))


async def schema_version(session: AsyncSession) -> str | None:
    return (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()


async def pending_by_kind(session: AsyncSession) -> list[Pending]:
    c = table_of(OutboxItem).c
    rows = await session.execute(select(c.kind, func.count(), func.min(c.created_at))
                                 .where(c.status == "pending").group_by(c.kind))
    return [Pending(kind, count, oldest) for kind, count, oldest in rows.all()]


async def due_by_kind(session: AsyncSession, kinds: frozenset[str], now: datetime) -> dict[str, int]:
    c = table_of(OutboxItem).c
    rows = await session.execute(select(c.kind, func.count())
                                 .where(c.status == "pending", c.kind.in_(sorted(kinds)), c.next_attempt_at <= now)
                                 .group_by(c.kind))
    return {kind: count for kind, count in rows.all()}


async def reports_by_state(session: AsyncSession) -> dict[str, int]:
    c = table_of(Report).c
    rows = await session.execute(select(c.state, func.count()).group_by(c.state))
    return {state: count for state, count in rows.all()}
