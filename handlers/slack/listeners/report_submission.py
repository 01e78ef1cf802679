"""Submitting the report modal: validate inline, store, then show the reference."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.reports.intake import FlaggedMessage, ReportDraft, StoreFailed, validate
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.services import Services
from cocbot.bot.reports.texts import NOT_CONFIRMED, NOT_STORED, NOT_STORED_LATE, STORING_SLOWLY
from cocbot.handlers.slack import answering, translate
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.views import REPORT_CALLBACK, confirmation_view

log = logging.getLogger("cocbot.slack")

# Field names in the domain → block ids in the modal, for inline errors.
_BLOCK_FOR_FIELD = {"excluded": "exclude"}


def register(app: AsyncApp, services: Services) -> None:
    async def store(draft: ReportDraft, view: dict[str, Any], tr: Translator) -> dict[str, Any] | None:
        """The view that tells the reporter the truth about their submission; None when it is known not to
        be stored (the form can then stay open to be sent again)."""
        try:
            meta = translate.metadata(view)
            if meta.get("src") == "message_shortcut":
                flagged: FlaggedMessage | None = None
                snapshot = await services.intake.flag_snapshot(str(view["id"]))
                if snapshot is not None:
                    flagged = FlaggedMessage(snapshot.channel, snapshot.ts, snapshot.author, snapshot.text)
                elif meta.get("ch") and meta.get("ts"):
                    flagged = FlaggedMessage(str(meta["ch"]), str(meta["ts"]), None, "")
                draft = replace(draft, flagged=flagged, flag_draft=str(view["id"]))
            submitted = await services.intake.submit(draft)
            if isinstance(meta.get("talk"), int) and services.talk is not None:
                await services.talk.became_report(meta["talk"], draft.reporter, submitted.ref)
        except Exception as exc:
            if not isinstance(exc, StoreFailed):  # the intake logged that one already, without content
                # Only the error's class: its text may hold the statement's parameters (the report).
                log.error("a report could not be stored (%s)", type(exc).__name__)
            try:
                found = await services.intake.stored(draft.idempotency_key)
            except Exception as again:
                log.error("could not check whether the report was stored (%s)", type(again).__name__)
                return text_modal(tr.gettext("Report not confirmed"), tr.gettext(NOT_CONFIRMED))
            if found is None:
                return None
            submitted = found
        return confirmation_view(services.config, ref=submitted.ref, danger=submitted.danger,
                                 anonymity=submitted.anonymity, tr=tr, channel=draft.where_channel,
                                 for_someone=bool(draft.on_behalf or draft.on_behalf_other.strip()),
                                 held=submitted.held)

    async def submit_report(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        draft = translate.report_draft(body, None)
        # The language the modal was opened in, else the member's (now known, most likely).
        lang = translate.language(body)
        tr = translator(lang) if lang else services.member_translator("slack", translate.member(body))
        errors = validate(draft, services.config, tr)
        if errors:
            await ack(response_action="errors",
                      errors={_BLOCK_FOR_FIELD.get(k, k): v for k, v in errors.items()})
            return

        # Storing can outlast Slack's 3 seconds: past the budget the reporter sees "being saved", then this.
        async def work() -> answering.Reply:
            view = await store(draft, body["view"], tr)
            if view is None:  # nothing stored: the modal stays open with what they wrote, to send again
                return answering.errors({"description": tr.gettext(NOT_STORED)})
            return answering.update(view)

        def late(_: answering.Reply) -> dict[str, Any]:
            return text_modal(tr.gettext("Report not stored"), tr.gettext(NOT_STORED_LATE))

        await answering.answer_in_time(
            ack, client, body, work(), field="description", tr=tr, late=late,
            saving=answering.saving_view(tr, tr.gettext("Saving your report"), tr.gettext(STORING_SLOWLY)))

    app.view(REPORT_CALLBACK)(submit_report)
