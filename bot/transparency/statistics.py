"""Keeping the statistics rows current: the promise a report was acknowledged against is the community's
own (24 h, or the next working day; shorter during an event), as the reminders count it."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reminders import deadlines
from cocbot.storage import statistics as statistics_q

Keeper = Callable[[AsyncSession, Iterable[int]], Awaitable[int]]


async def refresh(session: AsyncSession, report_ids: Iterable[int], config: CommunityConfig) -> int:
    calendar = deadlines.calendar_from_policy(config.policy)

    def acknowledge_due(created: datetime, event_mode: bool) -> datetime:
        return deadlines.acknowledge_deadline(created, config.policy, calendar, event_mode=event_mode)

    return await statistics_q.refresh(session, report_ids, acknowledge_due=acknowledge_due)


def keeper(config: CommunityConfig) -> Keeper:
    """`refresh` for the purge's "before delete" hook: the rows are written from the live cases right before
    those are deleted, in the purge's own transaction."""
    async def keep(session: AsyncSession, report_ids: Iterable[int]) -> int:
        return await refresh(session, report_ids, config)

    return keep


async def refresh_all(session: AsyncSession, config: CommunityConfig) -> int:
    return await refresh(session, await statistics_q.stale_report_ids(session), config)
