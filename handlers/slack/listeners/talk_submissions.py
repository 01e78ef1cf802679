"""The talk-first modals' submissions: starting a conversation, a relayed message, a proposed handover and
the member's choice of someone else. Each is one call of the talk service; refusals stay beside their field."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.i18n import Translator
from cocbot.bot.services import Services
from cocbot.bot.talk import texts
from cocbot.bot.talk.service import Outcome, TalkService
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.talk_views import (
    HANDOVER_CALLBACK, OPEN_CALLBACK, REPLY_CALLBACK, SOMEONE_ELSE_CALLBACK,
)


async def settle(ack: AsyncAck, outcome: Outcome, field: str, tr: Translator) -> None:
    if not outcome.ok:
        await ack(response_action="errors", errors={outcome.field or field: outcome.message})
        return
    await ack(response_action="update", view=text_modal(texts.outcome_title(tr), outcome.message))


def register(app: AsyncApp, services: Services) -> None:
    def talk() -> TalkService:
        assert services.talk is not None
        return services.talk

    # The form was opened in the member's language moments ago: it is cached, nothing waits here.
    def reader(user: str) -> Translator:
        return services.member_translator("slack", user)

    async def start(ack: AsyncAck, body: dict[str, Any]) -> None:
        opening = translate.talk_opening(body)
        tr = reader(opening.member)
        await settle(ack, await talk().open(opening, tr), "text", tr)

    async def reply(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        tr = reader(user)
        await settle(ack, await talk().say(translate.number(meta, "talk"), user, translate.text_value(vals, "text"),
                                           key, tr), "text", tr)

    async def handover(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        tr = reader(user)
        await settle(ack, await talk().propose_handover(translate.number(meta, "talk"), user,
                                                        translate.user(vals, "colleague"), key, tr), "colleague", tr)

    async def someone_else(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, _ = translate.submission(body)
        tr = reader(user)
        await settle(ack, await talk().someone_else(translate.number(meta, "talk"), user,
                                                    translate.user(vals, "pick"), tr), "pick", tr)

    app.view(OPEN_CALLBACK)(start)
    app.view(REPLY_CALLBACK)(reply)
    app.view(HANDOVER_CALLBACK)(handover)
    app.view(SOMEONE_ELSE_CALLBACK)(someone_else)
