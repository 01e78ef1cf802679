"""The purge's outbox kinds: the daily purge itself, and the platform side of a purged case.

`retention_purge` rows are keyed by day, so however many replicas start or wake, one row per day exists and
one worker claims it (exactly once, like every due row). Each run queues the next day's row in the same
transaction that marks it done. `retention_delete_post` deletes one of the bot's own posts in a committee
space; `retention_close_space` archives the private space cocbot opened for a case (Slack) or deletes the
private message (Discourse), once the deletions in it are through.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messenger import Messengers, NotInChannel
from cocbot.bot.outbox.worker import Deferred, Done, OutboxWorker
from cocbot.bot.reports.spaces import committee_space
from cocbot.bot.retention.service import CLOSE_SPACE, DELETE_POST, Purge
from cocbot.storage import outbox as outbox_q
from cocbot.storage import retention as retention_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.retention")

PURGE = "retention_purge"
EVERY = timedelta(days=1)


class Eraser(Protocol):
    """What the purge needs of a platform's messenger besides the Messenger port."""

    async def delete_post(self, channel: str, ts: str) -> None:
        """Delete one of the bot's own posts; an already deleted one is not an error."""
        ...

    async def close_space(self, channel: str) -> None:
        """Archive (Slack) or delete (Discourse) a private space the bot opened for one case."""
        ...


def purge_key(day: datetime) -> str:
    return f"retention:purge:{day.date().isoformat()}"


async def schedule_purge(session: AsyncSession, *, at: datetime, now: datetime) -> bool:
    """Queue the purge of `at`'s day to run at `at`, unless that day's purge is already queued or done."""
    return await outbox_q.enqueue(session, key=purge_key(at), kind=PURGE, now=now, due_at=at)


@dataclass
class RetentionDelivery:
    db: Database
    purge: Purge
    messengers: Messengers
    clock: Clock
    # Where a report's committee space is (a forum report may be handled in Slack); None: on its own platform.
    config: CommunityConfig | None = None

    def register(self, worker: OutboxWorker) -> None:
        worker.register(PURGE, self.run_purge)
        worker.register(DELETE_POST, self.delete_post)
        worker.register(CLOSE_SPACE, self.close_space)
    async def schedule_at_start(self) -> bool:
        """Today's purge, due now (a no-op when it ran today already: the next runs tomorrow)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            return await schedule_purge(session, at=now, now=now)

    async def run_purge(self, item: ClaimedItem) -> Done:
        result = await self.purge.run()
        now = self.clock.now()

        async def next_day(session: AsyncSession) -> None:
            await schedule_purge(session, at=now + EVERY, now=now)

        return Done({"purged": result.counts, "deletions": result.deletions_queued, "files": result.scrubbed},
                    next_day)

    def _eraser(self, report_platform: str) -> Eraser:
        """Payloads carry the platform the report came from; the messenger is that of its committee space."""
        platform = report_platform
        if self.config is not None:
            platform = committee_space(report_platform, self.config).platform
        return cast(Eraser, self.messengers.on(platform))

    async def delete_post(self, item: ClaimedItem) -> dict[str, Any]:
        p = item.payload
        try:
            await self._eraser(str(p["platform"])).delete_post(str(p["channel"]), str(p["ts"]))
        except NotInChannel:
            # The space is gone or the bot was removed from it: nothing of ours is left there to delete.
            return {"gone": True}
        return {"deleted": True}

    async def close_space(self, item: ClaimedItem) -> dict[str, Any]:
        p = item.payload
        channel = str(p["channel"])
        async with self.db.transaction() as session:
            waiting = await retention_q.pending_deletions(
                session, f"retention:delete:{p['platform']}:{channel}:", kind=DELETE_POST)
        if waiting:
            raise Deferred("deleting the posts in the space first", seconds=30.0)
        try:
            await self._eraser(str(p["platform"])).close_space(channel)
        except NotInChannel:
            return {"gone": True}
        return {"closed": True}
