"""`/report`: open the report modal at once. Nothing slow happens before views.open."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack.views import report_modal

COMMAND = "/report"
log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def open_report_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                                respond: AsyncRespond) -> None:
        await ack()
        view = report_modal(services.config, channel_id=body.get("channel_id"), source="command")
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            log.warning("could not open the report form: %s", exc.response.get("error"))
            await respond(text="Sorry, the report form could not open (Slack said: "
                               f"{exc.response.get('error')}). Please try /report again.",
                          response_type="ephemeral")

    app.command(COMMAND)(open_report_modal)
