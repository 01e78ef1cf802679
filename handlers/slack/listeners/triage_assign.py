"""Assign to me, and Reassign (a modal choosing the new owner). One owner at a time."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ASSIGN_ME = "triage_assign_me"
REASSIGN = "triage_reassign"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def assign_me(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        ref, user, channel = triage_views.click(body)
        result = await triage.assign(ref, user, channel)
        await ack()
        await triage_views.tell_result(client, body, result)

    async def open_reassign(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        allowed = await triage.authorize(ref, user, channel, Action.ASSIGN)
        if isinstance(allowed, Result):
            await triage_views.refuse(client, body, allowed.message)
            return
        await triage_views.open_modal(client, body, triage_views.reassign_modal(ref))

    async def submit_reassign(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, _ = triage_views.submission(body)
        assignee = vals.get("assignee", {}).get("selected_user")
        if not assignee:
            await ack(response_action="errors", errors={"assignee": "Choose a committee member."})
            return
        result = await triage.assign(str(meta.get("ref") or ""), user, None, str(assignee))
        if not result.ok:
            await ack(response_action="errors", errors={"assignee": result.errors.get("assignee", result.message)})
            return
        await ack(response_action="update", view=triage_views.result_view("Reassigned", result.message))

    app.action(ASSIGN_ME)(assign_me)
    app.action(REASSIGN)(open_reassign)
    app.view(triage_views.REASSIGN_CALLBACK)(submit_reassign)
