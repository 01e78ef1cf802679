"""The purge's part for ban records: a ban names people, so its record is kept while the ban is in force
and `retention.ended_bans` after it ended, whatever happens to the rest of its case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.bot.config.community import Retention
from cocbot.storage import bans as bans_q
from cocbot.storage.retention import Due
from cocbot.storage.triage import TriageBan


@dataclass(frozen=True)
class EndedBans:
    retention: Retention
    name: str = "ended_bans"

    async def due(self, session: AsyncSession, now: datetime, limit: int | None, after: Due | None = None
                  ) -> list[Due]:
        # Listed by end date only: the reference is the case's, which the dry run may show.
        rows = (await session.execute(
            select(col(TriageBan.ends_at)).where(col(TriageBan.ends_at).is_not(None),
                                                 col(TriageBan.ends_at) < now - self.retention.ended_bans)
            .order_by(col(TriageBan.ends_at)))).all()
        return [Due("ban", "-", at) for (at,) in rows]

    async def purge(self, session: AsyncSession, due: list[Due], now: datetime) -> int:
        return await bans_q.purge_ended_bans(session, now - self.retention.ended_bans)
