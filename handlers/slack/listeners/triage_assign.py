"""Reassign: the modal choosing the new owner (Assign to me needs none). One owner at a time.
The Reassign button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.i18n import N_
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views


def register(app: AsyncApp, services: Services) -> None:
    async def submit_reassign(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, _ = translate.submission(body)
        assignee = translate.user(vals, "assignee")
        tr = services.committee_translator()
        if not assignee:
            await ack(response_action="errors", errors={"assignee": tr.gettext("Choose a committee member.")})
            return
        result = await services.triage.assign(str(meta.get("ref") or ""), user, None, assignee)
        await triage_views.settle(ack, result, N_("Reassigned"), "assignee", tr)

    app.view(triage_views.REASSIGN_CALLBACK)(submit_reassign)
