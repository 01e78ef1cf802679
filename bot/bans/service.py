"""What the platform edges call when a person turns up somewhere: a channel joined, the workspace joined,
a forum post. Each match with a ban in force becomes outbox rows (an alert to the case's committee space,
a removal), written in one transaction; the outbox and the privacy gate do the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from cocbot.bot.bans import rules
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.storage import bans as bans_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.bans import EnforcedBan
from cocbot.storage.db import Database

log = logging.getLogger("cocbot.bans")


def alert_row(ban: EnforcedBan, person: str, where: str, event: str, key: str) -> outbox_q.NewItem:
    return outbox_q.NewItem(key, "ban_alert", ban.ban.report_id,
                            {"ban": ban.ban.id, "person": person, "where": where, "event": event})


def remove_row(ban: EnforcedBan, person: str, channel: str, key: str) -> outbox_q.NewItem:
    return outbox_q.NewItem(key, "ban_remove", ban.ban.report_id,
                            {"ban": ban.ban.id, "person": person, "where": channel})


def slack_rows(ban: EnforcedBan, person: str, channel: str, event: str, key: str,
               config: CommunityConfig) -> outbox_q.NewItem:
    """Alert, or (bans.enforce: remove) remove first; the removal then alerts with what happened."""
    if config.bans.removes:
        return remove_row(ban, person, channel, key)
    return alert_row(ban, person, channel, event, key)


@dataclass
class BanService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None]

    async def _enqueue(self, rows: list[outbox_q.NewItem]) -> int:
        if not rows:
            return 0
        async with self.db.transaction() as session:
            added = await outbox_q.enqueue_many(session, rows, now=self.clock.now())
        if added:
            self.notify()
        return added

    async def _bans_for(self, person: str) -> list[EnforcedBan]:
        async with self.db.transaction() as session:
            found = await bans_q.in_force(session, self.clock.now())
        return rules.matching((b for b in found if not b.places.empty), person, self.config)

    async def member_joined(self, user: str, channel: str, event_id: str) -> int:
        """A Slack member joined a channel: an alert (or removal) per ban in force covering it."""
        rows = [slack_rows(b, user, channel, "joined", f"ban:{b.ban.id}:joined:{event_id}", self.config)
                for b in await self._bans_for(user) if rules.covers_channel(b.places, channel)]
        added = await self._enqueue(rows)
        if rows:
            log.info("a banned member joined a channel in scope: %d ban(s)", len(rows))
        return added

    async def team_join(self, user: str, event_id: str) -> int:
        """Someone joined the workspace: workspace-wide bans alert (cocbot cannot remove a workspace member)."""
        rows = [alert_row(b, user, rules.WORKSPACE, "joined", f"ban:{b.ban.id}:team:{event_id}")
                for b in await self._bans_for(user) if b.places.workspace]
        return await self._enqueue(rows)

    async def forum_post(self, username: str, category_id: int | None, post_id: int) -> int:
        """A public forum post: an alert per ban in force covering its category (or the whole forum)."""
        rows = []
        for b in await self._bans_for(username.lower()):
            if rules.covers_category(b.places, category_id):
                where = rules.FORUM if b.places.forum or category_id is None else f"category:{category_id}"
                rows.append(alert_row(b, username.lower(), where, "posted", f"ban:{b.ban.id}:posted:{post_id}"))
        return await self._enqueue(rows)
