"""`member_joined_channel`: a person joined a channel cocbot is in; a ban in force covering it alerts the
case's committee (or removes them). Slack sends the event for the channels the bot is a member of."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate

EVENT = "member_joined_channel"


def register(app: AsyncApp, services: Services) -> None:
    async def member_joined(body: dict[str, Any]) -> None:
        user, channel, event_id = translate.member_joined(body)
        if services.bans is not None and user and channel:
            await services.bans.member_joined(user, channel, event_id)

    app.event(EVENT)(member_joined)
