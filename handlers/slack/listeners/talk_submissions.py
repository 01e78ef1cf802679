"""The talk-first modals' submissions: starting a conversation, a relayed message, a proposed handover and
the member's choice of someone else. Each is one call of the talk service; refusals stay beside their field."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import Translator
from cocbot.bot.services import Services
from cocbot.bot.talk import texts
from cocbot.bot.talk.service import Outcome, TalkService
from cocbot.handlers.slack import answering, translate
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.talk_views import (
    HANDOVER_CALLBACK, OPEN_CALLBACK, REPLY_CALLBACK, SOMEONE_ELSE_CALLBACK,
)


def settled(outcome: Outcome, field: str, tr: Translator) -> answering.Reply:
    if not outcome.ok:
        return answering.errors({outcome.field or field: outcome.message})
    return answering.update(text_modal(texts.outcome_title(tr), outcome.message))


def register(app: AsyncApp, services: Services) -> None:
    def talk() -> TalkService:
        assert services.talk is not None
        return services.talk

    # The form was opened in the member's language moments ago: it is cached, nothing waits here.
    def reader(user: str) -> Translator:
        return services.member_translator("slack", user)

    async def answer(ack: AsyncAck, client: AsyncWebClient, body: dict[str, Any], said: Awaitable[Outcome],
                     field: str, tr: Translator) -> None:
        async def store() -> answering.Reply:
            return settled(await said, field, tr)

        await answering.answer_in_time(ack, client, body, store(), field=field, tr=tr)

    async def start(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        opening = translate.talk_opening(body)
        tr = reader(opening.member)
        await answer(ack, client, body, talk().open(opening, tr), "text", tr)

    async def reply(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        tr = reader(user)
        await answer(ack, client, body, talk().say(translate.number(meta, "talk"), user,
                                                   translate.text_value(vals, "text"), key, tr), "text", tr)

    async def handover(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        tr = reader(user)
        await answer(ack, client, body, talk().propose_handover(translate.number(meta, "talk"), user,
                                                                translate.user(vals, "colleague"), key, tr),
                     "colleague", tr)

    async def someone_else(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, _ = translate.submission(body)
        tr = reader(user)
        await answer(ack, client, body, talk().someone_else(translate.number(meta, "talk"), user,
                                                            translate.user(vals, "pick"), tr), "pick", tr)

    app.view(OPEN_CALLBACK)(start)
    app.view(REPLY_CALLBACK)(reply)
    app.view(HANDOVER_CALLBACK)(handover)
    app.view(SOMEONE_ELSE_CALLBACK)(someone_else)
