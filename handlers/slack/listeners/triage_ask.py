"""Ask the reporter: the committee's question is relayed by DM with a Reply button, naming nobody.
The Ask the reporter button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_ask(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        text = translate.text_value(vals, "text")
        result = await services.triage.ask(str(meta.get("ref") or ""), user, text, key)
        await triage_views.settle(ack, result, "Question sent", "text")

    app.view(triage_views.ASK_CALLBACK)(submit_ask)
