"""What a decided ban schedules, written in the decision's own transaction: its places, a look at who is
already in the channels it covers, the forum restriction, and its end (a due outbox row: the one clock)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.config.community import CommunityConfig
from cocbot.storage import bans as bans_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.bans import Places


async def on_ban(session: AsyncSession, *, ban_id: int, report_id: int, places: Places, ends_at: datetime | None,
                 now: datetime, config: CommunityConfig) -> None:
    await bans_q.add_places(session, ban_id=ban_id, report_id=report_id, places=places)
    rows: list[outbox_q.NewItem] = []
    if (places.channels or places.workspace) and config.uses_slack:
        rows.append(outbox_q.NewItem(f"ban:{ban_id}:sweep", "ban_sweep", report_id, {"ban": ban_id}))
    if config.bans.forum_action and config.discourse is not None and (places.forum or places.categories):
        rows.append(outbox_q.NewItem(f"ban:{ban_id}:forum", "ban_forum_apply", report_id, {"ban": ban_id}))
    if ends_at is not None:
        rows.append(outbox_q.NewItem(f"ban:{ban_id}:end", "ban_end", report_id, {"ban": ban_id}, due_at=ends_at))
    await outbox_q.enqueue_many(session, rows, now=now)
