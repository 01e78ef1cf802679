"""Add note and Ask the reporter: a committee member's text, kept with the report and posted in its thread
(a note), or relayed to the reporter by DM with a Reply button, naming nobody (a question). Their buttons
open the forms (triage_buttons); this takes the submissions, which differ only in the service method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import N_
from cocbot.bot.services import Services
from cocbot.bot.triage.results import Result
from cocbot.bot.triage.service import TriageService
from cocbot.handlers.slack import answering, translate, triage_views

Method = Callable[[TriageService, str, str, str, str], Awaitable[Result]]

# Form callback id → (service method, the modal's title once done).
FORMS: dict[str, tuple[Method, str]] = {
    triage_views.NOTE_CALLBACK: (TriageService.add_note, N_("Note added")),
    triage_views.ASK_CALLBACK: (TriageService.ask, N_("Question sent")),
}


def register(app: AsyncApp, services: Services) -> None:
    for callback_id, (method, done) in FORMS.items():
        app.view(callback_id)(_listener(method, done, services))


def _listener(method: Method, done: str, services: Services) -> Callable[..., Awaitable[None]]:
    async def submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        text = translate.text_value(vals, "text")
        tr = services.committee_translator()

        async def store() -> answering.Reply:
            result = await method(services.triage, str(meta.get("ref") or ""), user, text, key)
            return triage_views.settled(result, done, "text", tr)

        await answering.answer_in_time(ack, client, body, store(), field="text", tr=tr)

    return submit
