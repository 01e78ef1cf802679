""""I have a conflict": after the confirming modal, the recusal; the case moves to a new private space.
The button opens the modal (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import answering, translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_recuse(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, _, user, _ = translate.submission(body)

        async def store() -> answering.Reply:
            result = await services.triage.recuse(str(meta.get("ref") or ""), user, None)
            title = "Conflict declared" if result.ok else "Not changed"
            return answering.update(text_modal(title, result.message))

        await answering.answer_in_time(ack, client, body, store(), field=None, tr=services.committee_translator())

    app.view(triage_views.RECUSE_CALLBACK)(submit_recuse)
