"""Every button of a talk-first conversation, as one table: the button's action id → a modal to open (Reply,
Hand over, Talk to someone else, Make this a report, the entry from App Home and the report form) or a
talk service call whose outcome only the clicker sees (Suggest, End, Agree, Keep as we are). The button's
value is the conversation's id; the service checks the clicker is a party to it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import Translator
from cocbot.bot.services import Services
from cocbot.bot.talk import texts
from cocbot.bot.talk.service import Outcome, TalkService
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.talk_views import handover_modal, reply_modal, someone_else_modal, talk_modal
from cocbot.handlers.slack.views import report_modal

View = dict[str, Any]
Opens = Callable[[Services, int, str, str | None, Translator], Awaitable[View | Outcome]]
Acts = Callable[[TalkService, int, str, str, Translator], Awaitable[Outcome]]


async def _reply(_: Services, cid: int, __: str, ___: str | None, tr: Translator) -> View:
    return reply_modal(tr, cid)


async def _handover(_: Services, cid: int, __: str, ___: str | None, tr: Translator) -> View:
    return handover_modal(tr, cid)


async def _someone_else(_: Services, cid: int, __: str, ___: str | None, tr: Translator) -> View:
    return someone_else_modal(tr, cid)


async def _make_report(services: Services, cid: int, user: str, _: str | None, tr: Translator) -> View | Outcome:
    assert services.talk is not None
    prefill = await services.talk.prefill(cid, user, tr)
    if isinstance(prefill, Outcome):
        return prefill
    return report_modal(services.config, channel_id=None, source="talk", description=prefill, talk=cid, tr=tr)


async def _open(_: Services, __: int, ___: str, channel: str | None, tr: Translator) -> View:
    return talk_modal(tr, channel)


OPENS: dict[str, Opens] = {
    texts.REPLY: _reply, texts.HANDOVER: _handover, texts.SOMEONE_ELSE: _someone_else,
    texts.MAKE_REPORT: _make_report, texts.OPEN: _open,
}
ACTS: dict[str, Acts] = {
    texts.SUGGEST: lambda talk, cid, user, key, tr: talk.suggest_report(cid, user, key, tr),
    texts.END: lambda talk, cid, user, _, tr: talk.end(cid, user, tr),
    texts.AGREE: lambda talk, cid, user, _, tr: talk.answer_handover(cid, user, True, tr),
    texts.DECLINE: lambda talk, cid, user, _, tr: talk.answer_handover(cid, user, False, tr),
}


def register(app: AsyncApp, services: Services) -> None:
    for action_id, opens in OPENS.items():
        app.action(action_id)(_opener(opens, services))
    for action_id, acts in ACTS.items():
        app.action(action_id)(_actor(acts, services))


def _opener(opens: Opens, services: Services) -> Callable[..., Awaitable[None]]:
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value, user, channel = translate.click(body)
        tr = await services.member_translator_soon("slack", user)
        view = await opens(services, int(value) if value.isdigit() else 0, user, channel, tr)
        if isinstance(view, Outcome):
            await triage_views.refuse(client, body, view.message)
        elif translate.in_modal(body):
            try:
                await client.views_push(trigger_id=body["trigger_id"], view=view)
            except SlackApiError as exc:
                error = str(exc.response.get("error"))
                await triage_views.refuse(client, body, texts.form_not_opened(tr, error))
        else:
            await triage_views.open_modal(client, body, view, tr)

    return on_click


def _actor(acts: Acts, services: Services) -> Callable[..., Awaitable[None]]:
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()  # first: storing can outlast Slack's 3 seconds on a busy database
        value, user, _ = translate.click(body)
        assert services.talk is not None
        outcome = await acts(services.talk, int(value) if value.isdigit() else 0, user,
                             f"slack:click:{body.get('trigger_id', '')}", services.member_translator("slack", user))
        await triage_views.refuse(client, body, outcome.message)

    return on_click
