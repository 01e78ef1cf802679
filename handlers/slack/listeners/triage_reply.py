"""The reporter's answer to a relayed question; it goes to the report's thread.
The Reply button in the reporter's DM opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_reply(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        text = translate.text_value(vals, "text")
        result = await services.triage.reply(translate.number(meta, "question"), user, text, key)
        await triage_views.settle(ack, result, "Answer sent", "text")

    app.view(triage_views.REPLY_CALLBACK)(submit_reply)
