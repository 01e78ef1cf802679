"""Decide: a CSCCE outcome, the message the bot sends the reporter, ban records, optional announcement."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_decide"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_decide(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        allowed = await triage.authorize(ref, user, channel, Action.DECIDE)
        if isinstance(allowed, Result):
            await triage_views.refuse(client, body, allowed.message)
            return
        view = triage_views.decide_modal(allowed.report, services.config, allowed.assessment,
                                         services.clock.now().date())
        await triage_views.open_modal(client, body, view)

    async def submit_decide(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = triage_views.submission(body)
        draft = triage_views.decision_draft(vals, services.config)
        if isinstance(draft, dict):
            await ack(response_action="errors", errors=draft)
            return
        result = await triage.decide(str(meta.get("ref") or ""), user, draft, key)
        if result.errors:
            await ack(response_action="errors", errors=result.errors)
            return
        if not result.ok:
            # Someone else decided first, or the member lost the right to act: say so in the modal.
            await ack(response_action="errors", errors={"outcome": result.message})
            return
        await ack(response_action="update", view=triage_views.result_view("Decision recorded", result.message))

    app.action(ACTION_ID)(open_decide)
    app.view(triage_views.DECIDE_CALLBACK)(submit_decide)
