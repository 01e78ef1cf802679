"""The reporter's Reply button on a relayed question; the answer goes to the report's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_reply"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def open_reply(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value, user, _ = triage_views.click(body)
        question = await triage.question_for_reply(int(value) if value.isdigit() else 0, user)
        if isinstance(question, Result):
            await triage_views.refuse(client, body, question.message)
            return
        ref = await triage.ref_for_report(question.report_id)
        await triage_views.open_modal(client, body, triage_views.reply_modal(question, ref))

    async def submit_reply(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = triage_views.submission(body)
        question_id = meta.get("question")
        result = await triage.reply(int(question_id) if isinstance(question_id, int) else 0, user,
                                    triage_views.text_value(vals, "text"), key)
        if not result.ok:
            await ack(response_action="errors", errors={"text": result.errors.get("text", result.message)})
            return
        await ack(response_action="update", view=triage_views.result_view("Answer sent", result.message))

    app.action(ACTION_ID)(open_reply)
    app.view(triage_views.REPLY_CALLBACK)(submit_reply)
