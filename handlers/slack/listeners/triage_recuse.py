""""I have a conflict": a confirming modal, then the recusal; the case moves to a new private space."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_recuse"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_recuse(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        allowed = await triage.authorize(ref, user, channel, Action.RECUSE)
        if isinstance(allowed, Result):
            await triage_views.refuse(client, body, allowed.message)
            return
        await triage_views.open_modal(client, body, triage_views.recuse_modal(ref))

    async def submit_recuse(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, _, user, _ = triage_views.submission(body)
        result = await triage.recuse(str(meta.get("ref") or ""), user, None)
        title = "Conflict declared" if result.ok else "Not changed"
        await ack(response_action="update", view=triage_views.result_view(title, result.message))

    app.action(ACTION_ID)(open_recuse)
    app.view(triage_views.RECUSE_CALLBACK)(submit_recuse)
