"""App Home: on `app_home_opened` publish what this person should see (who is on duty, their shifts,
committee counts). views.publish answers the person's own action and shows only them, like a modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack.duty_views import home_view
from cocbot.handlers.slack.talk_views import entry
from cocbot.handlers.slack.hold_views import held_home_blocks

EVENT = "app_home_opened"
log = logging.getLogger("cocbot.slack")


async def publish(services: Services, client: AsyncWebClient, user: str) -> None:
    """Publish `user`'s App Home as it is now (also after something they did changed it)."""
    model = await services.duty.home(user)
    tr = await services.member_translator_lookup("slack", user)
    view = home_view(model, services.config, tr)
    held = [(h.ref, h.expires_at) for h in await services.holds.held_by(user)]
    extra = [*held_home_blocks(held, tr), *entry(tr)]
    view["blocks"] = [*view["blocks"][:99 - len(extra)], *extra]
    try:
        await client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        log.warning("could not publish the App Home: %s", exc.response.get("error"))


def register(app: AsyncApp, services: Services) -> None:
    async def publish_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        # The event also fires for the Messages tab; only the Home tab has a view to publish.
        if event.get("tab", "home") != "home":
            return
        await publish(services, client, str(event.get("user") or ""))

    app.event(EVENT)(publish_home)
