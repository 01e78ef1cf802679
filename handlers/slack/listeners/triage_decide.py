"""Decide: a CSCCE outcome, the message the bot sends the reporter, ban records, optional announcement.
The Decide button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views
from cocbot.bot.triage.rules import BANS
from cocbot.handlers.slack.blocks import CHANNEL_ID, section, text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_decide(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        draft = translate.decision_draft(vals, triage_views.template(services.config))
        tr = services.committee_translator()
        if isinstance(draft, dict):
            await ack(response_action="errors", errors={name: tr.gettext(problem) for name, problem in draft.items()})
            return
        result = await services.triage.decide(str(meta.get("ref") or ""), user, draft, key)
        if result.errors:
            await ack(response_action="errors", errors=triage_views.field_errors(result, tr))
            return
        if not result.ok:
            # Someone else decided first, or the member lost the right to act: say so in the modal.
            await ack(response_action="errors", errors={"outcome": result.text(tr)})
            return
        view = text_modal(tr.gettext("Decision recorded"), result.text(tr))
        if draft.outcome in BANS and draft.ban_channels:
            # The channels the ban covers, as links (the sentence above says "the chosen Slack channels").
            view["blocks"].append(section(tr.gettext("Ban applies in") + ": "
                                          + ", ".join(f"<#{c}>" for c in draft.ban_channels if CHANNEL_ID.match(c))))
        await ack(response_action="update", view=view)

    app.view(triage_views.DECIDE_CALLBACK)(submit_decide)
