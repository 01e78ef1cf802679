"""Ask the reporter: the committee's question is relayed by DM with a Reply button, naming nobody."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_ask"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_ask(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        allowed = await triage.authorize(ref, user, channel, Action.ASK)
        if isinstance(allowed, Result):
            await triage_views.refuse(client, body, allowed.message)
            return
        await triage_views.open_modal(client, body, triage_views.ask_modal(allowed.report))

    async def submit_ask(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = triage_views.submission(body)
        result = await triage.ask(str(meta.get("ref") or ""), user, triage_views.text_value(vals, "text"), key)
        if not result.ok:
            await ack(response_action="errors", errors={"text": result.errors.get("text", result.message)})
            return
        await ack(response_action="update", view=triage_views.result_view("Question sent", result.message))

    app.action(ACTION_ID)(open_ask)
    app.view(triage_views.ASK_CALLBACK)(submit_ask)
