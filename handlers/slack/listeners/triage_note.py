"""Add note: a private committee note, kept with the report and posted in its thread.
The Add note button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_note(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        text = translate.text_value(vals, "text")
        result = await services.triage.add_note(str(meta.get("ref") or ""), user, text, key)
        await triage_views.settle(ack, result, "Note added", "text")

    app.view(triage_views.NOTE_CALLBACK)(submit_note)
