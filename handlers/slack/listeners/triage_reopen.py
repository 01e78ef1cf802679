"""Reopen a closed report: it is in progress again, with its deadline and reminders renewed."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_reopen"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def reopen(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        ref, user, channel = triage_views.click(body)
        result = await triage.reopen(ref, user, channel)
        await ack()
        await triage_views.tell_result(client, body, result)

    app.action(ACTION_ID)(reopen)
