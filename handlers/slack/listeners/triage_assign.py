"""Reassign: the modal choosing the new owner (Assign to me needs none). One owner at a time.
The Reassign button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import N_
from cocbot.bot.services import Services
from cocbot.handlers.slack import answering, translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_reassign(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, _ = translate.submission(body)
        assignee = translate.user(vals, "assignee")
        tr = services.committee_translator()
        if not assignee:
            await ack(response_action="errors", errors={"assignee": tr.gettext("Choose a committee member.")})
            return

        async def store() -> answering.Reply:
            result = await services.triage.assign(str(meta.get("ref") or ""), user, None, assignee)
            return triage_views.settled(result, N_("Reassigned"), "assignee", tr)

        await answering.answer_in_time(ack, client, body, store(), field="assignee", tr=tr)

    app.view(triage_views.REASSIGN_CALLBACK)(submit_reassign)
