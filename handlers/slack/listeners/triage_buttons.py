"""Every button on a report's triage messages, as one table: the button's action id → what the triage
service is asked, and what the clicker then sees.

- `Act`: the service acts at once, after the click is acknowledged (a transaction waiting on a busy database
  must not outlast Slack's 3 seconds). Two members clicking at once still make one transition, one message:
  the service settles that in its transaction. The report's message is refreshed through the outbox and only
  a refusal is said here, to the clicker alone.
- `Open`: a modal of what the service finds: the whole report, its history, or (`form`) the form of a step,
  once the service agrees the member may take it; each form's submission has a listener of its own
  (triage_assess, triage_decide, triage_committee_text, …).
- `Answer`: a button in a direct message whose value is the id of a question or a decision, looked up for
  the clicker (the reporter's Reply, a second member's review of an announcement).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import Translator, translator
from cocbot.bot.services import Services
from cocbot.bot.triage.rules import Action
from cocbot.bot.triage.results import Authorized, Result, TrailPage
from cocbot.bot.triage.service import TriageService
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.blocks import text_modal

View = dict[str, Any]
Found = TypeVar("Found")


@dataclass(frozen=True)
class Act:
    """The service acts at once on the clicked report."""

    method: Callable[[TriageService, str, str, str | None], Awaitable[Result]]

    async def act(self, services: Services, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = translate.click(body)
        result = await self.method(services.triage, ref, user, channel)
        await triage_views.tell_result(client, body, result, services.committee_translator())


@dataclass(frozen=True)
class Open(Generic[Found]):
    """A modal of what the service finds for the clicked report, when the member may see it."""

    find: Callable[[TriageService, str, str, str | None], Awaitable[Result | Found]]
    build: Callable[[str, Found, Services], View]

    async def view(self, services: Services, body: dict[str, Any]) -> Result | View:
        ref, user, channel = translate.click(body)
        found = await self.find(services.triage, ref, user, channel)
        return found if isinstance(found, Result) else self.build(ref, found, services)


def form(action: Action, build: Callable[[str, Authorized, Services], View]) -> Open[Authorized]:
    """A step's form, opened once the service agrees the member may take that step."""
    async def authorize(triage: TriageService, ref: str, user: str, channel: str | None) -> Result | Authorized:
        return await triage.authorize(ref, user, channel, action)

    return Open(authorize, build)


@dataclass(frozen=True)
class Answer(Generic[Found]):
    """A modal for a question or a decision whose id is the button's value, when it is the clicker's to see."""

    find: Callable[[TriageService, int, str], Awaitable[Result | Found]]
    build: Callable[[Found, str, Translator], View]
    report_id: Callable[[Found], int]
    member_language: bool = False  # the clicker's own language, else the committee's

    async def view(self, services: Services, body: dict[str, Any]) -> Result | View:
        value, user, _ = translate.click(body)
        found = await self.find(services.triage, int(value) if value.isdigit() else 0, user)
        if isinstance(found, Result):
            return found
        tr = services.member_translator("slack", user) if self.member_language else _committee(services)
        return self.build(found, await services.triage.ref_for_report(self.report_id(found)), tr)


async def _newest_history(triage: TriageService, ref: str, user: str, channel: str | None) -> Result | TrailPage:
    return await triage.history(ref, user, channel, size=triage_views.HISTORY_PAGE)


def _committee(services: Services) -> Translator:
    return translator(services.config.community.language)


Button = Act | Open[Any] | Answer[Any]

BUTTONS: dict[str, Button] = {
    "triage_acknowledge": Act(TriageService.acknowledge),
    "triage_assign_me": Act(TriageService.assign),
    "triage_close": Act(TriageService.close),
    "triage_reopen": Act(TriageService.reopen),
    "triage_reassign": form(Action.ASSIGN, lambda ref, _, s: triage_views.reassign_modal(ref, _committee(s))),
    "triage_recuse": form(Action.RECUSE, lambda ref, _, s: triage_views.recuse_modal(ref, _committee(s))),
    "triage_note": form(Action.NOTE, lambda ref, _, s: triage_views.note_modal(ref, _committee(s))),
    "triage_ask": form(Action.ASK, lambda _, allowed, s: triage_views.ask_modal(allowed.report, _committee(s))),
    "triage_assess": form(Action.ASSESS, lambda _, allowed, services: triage_views.assess_modal(
        allowed.report, services.config, allowed.assessment, _committee(services))),
    "triage_decide": form(Action.DECIDE, lambda _, allowed, services: triage_views.decide_modal(
        allowed.report, services.config, allowed.assessment, services.clock.now().date(), _committee(services))),
    "triage_view": Open(TriageService.view_report, lambda ref, found, services: triage_views.report_modal(
        ref, found, services.config, _committee(services))),
    "triage_history": Open(_newest_history,
                           lambda ref, page, s: triage_views.history_modal(ref, page, _committee(s))),
    # The reporter's reply: in the reporter's own language.
    "triage_reply": Answer(TriageService.question_for_reply, triage_views.reply_modal,
                           lambda question: question.report_id, member_language=True),
    "triage_review_announcement": Answer(TriageService.announcement_for_review,
                                         triage_views.review_announcement_modal, lambda decision: decision.report_id),
}


def register(app: AsyncApp, services: Services) -> None:
    for action_id, button in BUTTONS.items():
        app.action(action_id)(_listener(button, services))
    for action_id in ("triage_history_older", "triage_history_newer"):
        app.action(action_id)(_history_page(services))


def _history_page(services: Services) -> Callable[..., Awaitable[None]]:
    """Older/Newer in the History view: the next page in the same modal, checked and recorded like the first."""
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value, user, _ = translate.click(body)
        cursor = translate.history_cursor(value)
        tr = services.committee_translator()
        if cursor is None:
            return
        ref, before, after = cursor
        page = await services.triage.history(ref, user, None, before=before, after=after,
                                             size=triage_views.HISTORY_PAGE)
        if isinstance(page, Result):
            view = text_modal(tr.gettext("History %(ref)s") % {"ref": ref}, page.text(tr))
        else:
            view = triage_views.history_modal(ref, page, tr)
        await triage_views.update_modal(client, body, view)

    return on_click


def _listener(button: Button, services: Services) -> Callable[..., Awaitable[None]]:
    # Bolt passes a listener the arguments its parameters name.
    async def on_click(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        if isinstance(button, Act):
            await button.act(services, ack, body, client)
            return
        await ack()
        view = await button.view(services, body)
        # The reporter's own buttons answer in their language; the committee's in the committee's.
        tr = (services.member_translator("slack", translate.member(body))
              if isinstance(button, Answer) and button.member_language else services.committee_translator())
        if isinstance(view, Result):
            await triage_views.refuse(client, body, view.text(tr))
        else:
            await triage_views.open_modal(client, body, view, tr)

    return on_click
