"""Acknowledge: the report's first transition. Two members clicking at once make one transition, one DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_acknowledge"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def acknowledge(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        # The transaction is a few milliseconds: done before the ack so the click is settled when Slack
        # hears back; the message itself is updated through the outbox.
        ref, user, channel = triage_views.click(body)
        result = await triage.acknowledge(ref, user, channel)
        await ack()
        await triage_views.tell_result(client, body, result)

    app.action(ACTION_ID)(acknowledge)
