""""I have a conflict": after the confirming modal, the recusal; the case moves to a new private space.
The button opens the modal (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_recuse(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, _, user, _ = translate.submission(body)
        result = await services.triage.recuse(str(meta.get("ref") or ""), user, None)
        title = "Conflict declared" if result.ok else "Not changed"
        await ack(response_action="update", view=text_modal(title, result.message))

    app.view(triage_views.RECUSE_CALLBACK)(submit_recuse)
