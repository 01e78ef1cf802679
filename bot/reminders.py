"""Deadlines and reminders: the hooks other domain code calls inside its own transaction.

Reminders are outbox rows with a future due time, so they share the outbox's durability, privacy gate
and exactly-once claiming. The functions below are the contract used by intake and triage.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import CommunityConfig
from storage import outbox as outbox_q
from storage.reports import ReportRecord

ACK_KINDS: tuple[str, ...] = ("reminder_ack", "escalation_ack")
RESPOND_KINDS: tuple[str, ...] = ("reminder_respond",)


async def on_report_stored(session: AsyncSession, report: ReportRecord, now: datetime,
                           config: CommunityConfig) -> None:
    """Schedule the acknowledgement reminders for a newly stored report."""


async def on_acknowledged(session: AsyncSession, report_id: int, now: datetime, config: CommunityConfig) -> None:
    """Cancel pending acknowledgement reminders at once; schedule the response-deadline reminder."""
    await outbox_q.cancel(session, report_id=report_id, kinds=ACK_KINDS, now=now)


async def on_closed(session: AsyncSession, report_id: int, now: datetime) -> None:
    """Cancel every pending reminder for the report."""
    await outbox_q.cancel(session, report_id=report_id, kinds=ACK_KINDS + RESPOND_KINDS, now=now)


async def on_reopened(session: AsyncSession, report_id: int, now: datetime, config: CommunityConfig) -> None:
    """Schedule what a reopened report needs again."""
