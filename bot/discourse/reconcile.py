"""The bookkeeping of catching what webhooks missed: which deliveries were handled, and how far the pull
of each private-message topic has read (the edge does the pulling, handlers/discourse/reconcile.py).

Each PM topic has a cursor (the highest post number handled). On the very first run cocbot only records
where every existing PM stands, so it never answers old messages from before it was installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cocbot.bot.clock import Clock
from cocbot.storage import discourse as dq
from cocbot.storage.db import Database

BASELINE = "pm:baseline"


@dataclass
class ReconcileBook:
    db: Database
    clock: Clock

    async def seen(self, key: str) -> bool:
        async with self.db.transaction() as session:
            return await dq.was_seen(session, key)

    async def mark(self, key: str) -> None:
        async with self.db.transaction() as session:
            await dq.mark_seen(session, key, self.clock.now())

    async def baseline(self, topics: dict[int, int]) -> bool:
        """On the first run, record every PM topic's highest post number (`topics`) as read and return
        True; afterwards do nothing and return False."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            first_run = await dq.get_cursor(session, BASELINE) == 0
            if first_run:
                for topic_id, highest in topics.items():
                    await dq.set_cursor(session, f"pm:{topic_id}", highest, now)
                await dq.set_cursor(session, BASELINE, 1, now)
        return first_run

    async def cursor(self, topic_id: int) -> int:
        async with self.db.transaction() as session:
            return await dq.get_cursor(session, f"pm:{topic_id}")

    async def advance(self, topic_id: int, post_number: int) -> None:
        async with self.db.transaction() as session:
            await dq.set_cursor(session, f"pm:{topic_id}", post_number, self.clock.now())

    async def forget_old(self) -> None:
        """Keep the de-duplication and link tables small: Discourse stops retrying after about 2.5 hours and
        reconciliation has its cursors, so two days of memory is plenty; spent or expired links go after a
        day."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            await dq.forget_seen_before(session, now - timedelta(days=2))
            await dq.forget_tokens_expired_before(session, now - timedelta(days=1))
