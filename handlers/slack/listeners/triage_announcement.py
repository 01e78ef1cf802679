"""Review announcement: a second committee member reads the draft and approves it; then it is posted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_review_announcement"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_review(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value, user, _ = triage_views.click(body)
        decision = await triage.announcement_for_review(int(value) if value.isdigit() else 0, user)
        if isinstance(decision, Result):
            await triage_views.refuse(client, body, decision.message)
            return
        ref = await triage.ref_for_report(decision.report_id)
        await triage_views.open_modal(client, body, triage_views.review_announcement_modal(decision, ref))

    async def submit_approval(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, _, user, _ = triage_views.submission(body)
        decision_id = meta.get("decision")
        result = await triage.approve_announcement(int(decision_id) if isinstance(decision_id, int) else 0, user)
        title = "Approved" if result.ok else "Not approved"
        await ack(response_action="update", view=triage_views.result_view(title, result.message))

    app.action(ACTION_ID)(open_review)
    app.view(triage_views.APPROVE_CALLBACK)(submit_approval)
