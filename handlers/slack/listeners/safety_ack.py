""""I'm on it" on a danger page: the one acknowledgement that stops the pages for that report."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.safety.texts import ACK_ACTION
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.blocks import escape

log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def on_it(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        # Acknowledged first: storing can wait on a busy database longer than Slack's 3 seconds. A second
        # click is settled by the service's transaction (one acknowledgement), not by the order of answers.
        await ack()
        ref, user, channel = translate.click(body)
        assert services.safety is not None
        answer = await services.safety.acknowledge(ref, user, services.member_translator("slack", user))
        try:
            if channel:
                await client.chat_postEphemeral(channel=channel, user=user, text=escape(answer.message))
            else:
                await client.chat_postMessage(channel=user, text=escape(answer.message))
        except SlackApiError as exc:
            log.info("could not answer an I'm-on-it click (%s)", exc.response.get("error"))

    app.action(ACK_ACTION)(on_it)
