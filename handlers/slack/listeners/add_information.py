"""The reporter's "Add information" button and its modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.bot.reports.texts import addendum_received
from cocbot.handlers.slack import answering, translate
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.views import ADD_INFO_CALLBACK, add_information_modal

ACTION_ID = "add_information"


def register(app: AsyncApp, services: Services) -> None:
    async def open_add_information(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, _, _ = translate.click(body)
        tr = await services.member_translator_soon("slack", translate.member(body))
        await client.views_open(trigger_id=body["trigger_id"], view=add_information_modal(ref, tr))

    async def submit_add_information(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        ref, user, text, key = translate.add_information(body)
        tr = services.member_translator("slack", user)

        async def store() -> answering.Reply:
            error = await services.intake.add_information(ref=ref, user=user, text=text, idempotency_key=key,
                                                          tr=tr)
            if error:
                return answering.errors({"information": error})
            return answering.update(text_modal(tr.gettext("Information added"), addendum_received(ref, tr)))

        await answering.answer_in_time(ack, client, body, store(), field="information", tr=tr)

    app.action(ACTION_ID)(open_add_information)
    app.view(ADD_INFO_CALLBACK)(submit_add_information)
