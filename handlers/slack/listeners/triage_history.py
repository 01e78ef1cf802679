"""History: the audit trail of a report (every action, who, when) in a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.messages import Message
from cocbot.bot.services import Services
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_history"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def history(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        entries = await triage.history(ref, user, channel)
        if isinstance(entries, Result):
            await triage_views.refuse(client, body, entries.message)
            return
        message = Message(summary=f"History of {ref}", blocks=tuple(triage_texts.history_blocks(entries)))
        await triage_views.open_modal(client, body, triage_views.message_modal(f"History {ref}", message))

    app.action(ACTION_ID)(history)
