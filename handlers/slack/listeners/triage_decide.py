"""Decide: a CSCCE outcome, the message the bot sends the reporter, ban records, optional announcement.
The Decide button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import answering, translate, triage_views
from cocbot.bot.triage.rules import BANS
from cocbot.handlers.slack.blocks import CHANNEL_ID, section, text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_decide(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        draft = translate.decision_draft(vals, triage_views.template(services.config))
        tr = services.committee_translator()
        if isinstance(draft, dict):
            await ack(response_action="errors", errors={name: tr.gettext(problem) for name, problem in draft.items()})
            return
        decision = draft

        async def store() -> answering.Reply:
            result = await services.triage.decide(str(meta.get("ref") or ""), user, decision, key)
            if result.errors:
                return answering.errors(triage_views.field_errors(result, tr))
            if not result.ok:
                # Someone else decided first, or the member lost the right to act: say so in the modal.
                return answering.errors({"outcome": result.text(tr)})
            view = text_modal(tr.gettext("Decision recorded"), result.text(tr))
            if decision.outcome in BANS and decision.ban_channels:
                # The channels the ban covers, as links (the sentence above says "the chosen Slack channels").
                view["blocks"].append(section(tr.gettext("Ban applies in") + ": " + ", ".join(
                    f"<#{c}>" for c in decision.ban_channels if CHANNEL_ID.match(c))))
            return answering.update(view)

        await answering.answer_in_time(ack, client, body, store(), field="outcome", tr=tr)

    app.view(triage_views.DECIDE_CALLBACK)(submit_decide)
