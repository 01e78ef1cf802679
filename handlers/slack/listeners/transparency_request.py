"""App Home's "Transparency report" button: the service checks the clicker is on the committee and sends the
figures to them alone through the outbox; the modal only says so (or why not)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.transparency_views import ACTION_ID


def register(app: AsyncApp, services: Services) -> None:
    async def request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        _, user, _ = translate.click(body)
        if services.transparency is None:
            return
        tr = await services.member_translator_soon("slack", user)
        said = await services.transparency.request(user, "slack", tr)
        await triage_views.open_modal(client, body, text_modal(tr.gettext("Transparency report"), said), tr)

    app.action(ACTION_ID)(request)
