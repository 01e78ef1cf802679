"""The reporter's answer to a relayed question; it goes to the report's thread.
The Reply button in the reporter's DM opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import N_, translator
from cocbot.bot.services import Services
from cocbot.bot.triage.results import Result
from cocbot.handlers.slack import answering, translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_reply(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        text = translate.text_value(vals, "text")
        lang = translate.language(body)
        tr = translator(lang) if lang else services.member_translator("slack", user)

        async def store() -> answering.Reply:
            result = await services.triage.reply(translate.number(meta, "question"), user, text, key)
            if result.ok and meta.get("ref"):
                # Said here in the reporter's language, with the reference the modal carries.
                result = Result(True, tr.gettext("Thank you. Your answer is stored and on its way to the "
                                                 "committee handling %(ref)s.") % {"ref": str(meta["ref"])},
                                result.errors)
            return triage_views.settled(result, N_("Answer sent"), "text", tr)

        await answering.answer_in_time(ack, client, body, store(), field="text", tr=tr)

    app.view(triage_views.REPLY_CALLBACK)(submit_reply)
