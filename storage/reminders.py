"""Queries the reminder scheduler needs. Reminders themselves are outbox rows (storage/outbox.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.storage.models import OutboxItem


async def next_future_due(session: AsyncSession, now: datetime) -> datetime | None:
    """The earliest pending row due strictly after `now` (rows due already are the worker's business)."""
    return (
        await session.execute(
            select(func.min(col(OutboxItem.next_attempt_at)))
            .where(col(OutboxItem.status) == "pending", col(OutboxItem.next_attempt_at) > now)
        )
    ).scalar_one_or_none()


async def rows_for_report(session: AsyncSession, report_id: int) -> list[tuple[str, str, str, datetime]]:
    """(key, kind, status, due) for a report's rows, oldest due first: for operators and tests."""
    rows = await session.execute(
        select(col(OutboxItem.key), col(OutboxItem.kind), col(OutboxItem.status), col(OutboxItem.next_attempt_at))
        .where(col(OutboxItem.report_id) == report_id)
        .order_by(col(OutboxItem.next_attempt_at), col(OutboxItem.id))
    )
    return [(k, kind, status, due) for k, kind, status, due in rows.all()]
