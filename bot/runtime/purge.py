"""The purge as cocbot composes it, for the running bot and for `cocbot purge` alike: the retention
capability's own parts, plus what other capabilities add — ended bans' records on their own clock, and,
before a case loses its content, its statistics row (so it still counts), the purge's entry in its trail, and its
entries in the people index (who it named, kept out and let read)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.audit.trail import record_purges
from cocbot.bot.bans.retention import EndedBans
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.retention.service import Purge
from cocbot.bot.transparency.statistics import keeper
from cocbot.storage import earlier as earlier_q
from cocbot.storage.db import Database


def build_purge(db: Database, config: CommunityConfig, clock: Clock,
                notify: Callable[[], None] = lambda: None) -> Purge:
    purge = Purge(db, config.retention, clock, notify)
    keep_statistics = keeper(config)

    async def statistics_then_trail(session: AsyncSession, case_ids: list[int], now: datetime) -> None:
        await keep_statistics(session, case_ids)
        await record_purges(session, case_ids, now)
        # Who a purged case named (keyed hashes) goes with it: it is never an earlier case again.
        await earlier_q.forget_cases(session, case_ids)

    purge.add_part(EndedBans(config.retention))
    purge.add_keeper(statistics_then_trail)
    return purge
