"""Review announcement: a second committee member reads the draft and approves it; then it is posted.
The Review announcement button opens the draft (triage_buttons); this takes the approval."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import answering, translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_approval(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, _, user, _ = translate.submission(body)

        async def store() -> answering.Reply:
            result = await services.triage.approve_announcement(translate.number(meta, "decision"), user)
            title = "Approved" if result.ok else "Not approved"
            return answering.update(text_modal(title, result.message))

        await answering.answer_in_time(ack, client, body, store(), field=None, tr=services.committee_translator())

    app.view(triage_views.APPROVE_CALLBACK)(submit_approval)
