"""Assess: risk × impact with the seed's suggested response, ongoing/unsafe, category, reporter's role."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_assess"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_assess(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        allowed = await triage.authorize(ref, user, channel, Action.ASSESS)
        if isinstance(allowed, Result):
            await triage_views.refuse(client, body, allowed.message)
            return
        view = triage_views.assess_modal(allowed.report, services.config, allowed.assessment)
        await triage_views.open_modal(client, body, view)

    async def submit_assess(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = triage_views.submission(body)
        values = triage_views.assessment_values(vals, services.config)
        result = await triage.assess(str(meta.get("ref") or ""), user, values, key)
        if result.errors:
            await ack(response_action="errors", errors=result.errors)
            return
        title = "Assessment saved" if result.ok else "Not saved"
        await ack(response_action="update", view=triage_views.result_view(title, result.message))

    app.action(ACTION_ID)(open_assess)
    app.view(triage_views.ASSESS_CALLBACK)(submit_assess)
