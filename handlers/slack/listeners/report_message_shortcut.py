"""The "Report message" shortcut: the same modal, prefilled, with a snapshot of the message kept."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.views import report_modal

CALLBACK_ID = "report_message"
log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def open_prefilled_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        flagged = translate.flagged_message(body)
        view = report_modal(services.config, channel_id=flagged.channel or None, source="message_shortcut",
                            flagged_author=flagged.author, flagged_text=flagged.text, flagged_ts=flagged.ts,
                            tr=await services.member_translator_soon("slack", translate.member(body)))
        try:
            resp = await client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            log.warning("could not open the report form from a shortcut: %s", exc.response.get("error"))
            return
        # The snapshot is stored after the modal is open, keyed by its view id, so the trigger window
        # is spent on nothing but opening the modal.
        await services.intake.save_flag_snapshot(str(resp["view"]["id"]), flagged)

    app.shortcut(CALLBACK_ID)(open_prefilled_modal)
