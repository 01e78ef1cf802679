"""The Discourse edge: a webhook delivery (or a post caught by reconciliation) translated into one call of
the forum service (bot/discourse/service.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.discourse.service import ForumService
from cocbot.handlers.discourse import translate
from cocbot.handlers.discourse.messenger import DiscourseMessenger


@dataclass
class DiscourseEdge:
    service: ForumService
    messenger: DiscourseMessenger

    @property
    def settings(self) -> DiscourseConfig:
        return self.service.settings

    async def handle(self, event_type: str, event: str, payload: dict[str, Any]) -> str:
        if "post" in payload and event in ("post_created", ""):
            incoming = translate.post(payload["post"])
            if incoming is None:
                return "ignored: not a post"
            return await self.service.handle_post(incoming, event or "post_created")
        if "reviewable" in payload and event in ("reviewable_created", "reviewable_updated", ""):
            flag = translate.flag(payload["reviewable"])
            if flag is None:
                return "ignored: not a flagged post"
            return await self.service.handle_flag(flag, event or "reviewable")
        return "ignored"
