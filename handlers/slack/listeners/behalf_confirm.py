"""The person a report was filed for confirms it, choosing how the committee handles their identity."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.reports.behalf.service import CONFIRM_ACTIONS
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.blocks import escape

log = logging.getLogger("cocbot.slack")


def register(app: AsyncApp, services: Services) -> None:
    async def confirm(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()  # first: storing the confirmation can outlast Slack's 3 seconds on a busy database
        ref, user, channel = translate.click(body)
        assert services.behalf is not None
        action = str((body.get("actions") or [{}])[0].get("action_id"))
        result = await services.behalf.confirm(ref, user, CONFIRM_ACTIONS.get(action, "confidential"),
                                               services.member_translator("slack", user))
        try:
            if channel:
                await client.chat_postEphemeral(channel=channel, user=user, text=escape(result.message))
            else:
                await client.chat_postMessage(channel=user, text=escape(result.message))
        except SlackApiError as exc:
            log.info("could not answer a confirmation (%s)", exc.response.get("error"))

    for action_id in CONFIRM_ACTIONS:
        app.action(action_id)(confirm)
