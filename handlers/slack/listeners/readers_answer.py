"""The reporter's answer when the committee members they chose cannot take their report, or stay silent."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.reports.readers.service import KEEP_ACTION, WIDEN_ACTION
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.blocks import escape

log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def answer(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()  # first: storing the choice can outlast Slack's 3 seconds on a busy database
        ref, user, channel = translate.click(body)
        assert services.readers is not None
        action = (body.get("actions") or [{}])[0].get("action_id")
        tr = services.member_translator("slack", user)
        if action == WIDEN_ACTION:
            result = await services.readers.widen(ref, user, tr)
        else:
            result = await services.readers.keep(ref, user, tr)
        try:
            if channel:
                await client.chat_postEphemeral(channel=channel, user=user, text=escape(result.message))
            else:
                await client.chat_postMessage(channel=user, text=escape(result.message))
        except SlackApiError as exc:
            log.info("could not answer a reporter's choice (%s)", exc.response.get("error"))

    app.action(WIDEN_ACTION)(answer)
    app.action(KEEP_ACTION)(answer)
