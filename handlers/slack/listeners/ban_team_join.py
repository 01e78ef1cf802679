"""`team_join`: someone joined the workspace; a workspace-wide ban in force on them alerts the case's
committee (cocbot cannot remove a workspace member: an admin must deactivate the account)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate

EVENT = "team_join"


def register(app: AsyncApp, services: Services) -> None:
    async def team_join(body: dict[str, Any]) -> None:
        user, event_id = translate.team_join(body)
        if services.bans is not None and user:
            await services.bans.team_join(user, event_id)

    app.event(EVENT)(team_join)
