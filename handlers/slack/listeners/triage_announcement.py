"""Review announcement: a second committee member reads the draft and approves it; then it is posted.
The Review announcement button opens the draft (triage_buttons); this takes the approval."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_approval(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, _, user, _ = translate.submission(body)
        result = await services.triage.approve_announcement(translate.number(meta, "decision"), user)
        title = "Approved" if result.ok else "Not approved"
        await ack(response_action="update", view=text_modal(title, result.message))

    app.view(triage_views.APPROVE_CALLBACK)(submit_approval)
