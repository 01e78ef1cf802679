"""`/talk`: open the talk-first modal at once (nothing slow before views.open)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.talk import texts
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.talk_views import talk_modal

COMMAND = "/talk"
log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def open_talk_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                              respond: AsyncRespond) -> None:
        await ack()
        _, channel, _ = translate.command(body)
        tr = await services.member_translator_soon("slack", translate.member(body))
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=talk_modal(tr, channel or None))
        except SlackApiError as exc:
            log.warning("could not open the talk form: %s", exc.response.get("error"))
            await respond(text=texts.form_not_opened(tr, str(exc.response.get("error"))),
                          response_type="ephemeral")

    app.command(COMMAND)(open_talk_modal)
