"""`/report`: open the report modal at once. Nothing slow happens before views.open."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.views import report_modal

COMMAND = "/report"
log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def open_report_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                                respond: AsyncRespond) -> None:
        await ack()
        # The member's language if known; never a lookup before views.open (Slack's 3-second trigger).
        tr = await services.member_translator_soon("slack", translate.member(body))
        view = report_modal(services.config, channel_id=body.get("channel_id"), source="command", tr=tr)
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            log.warning("could not open the report form: %s", exc.response.get("error"))
            await respond(text=tr.gettext("Sorry, the report form could not open (Slack said: %(error)s). "
                                          "Please try /report again.") % {"error": exc.response.get("error")},
                          response_type="ephemeral")

    app.command(COMMAND)(open_report_modal)
