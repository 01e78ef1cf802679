"""Assess: risk × impact with the seed's suggested response, ongoing/unsafe, category, reporter's role.
The Assess button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.services import Services
from cocbot.handlers.slack import answering, translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_assess(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta, vals, user, key = translate.submission(body)
        tr = services.committee_translator()
        ref = str(meta.get("ref") or "")

        async def store() -> answering.Reply:
            result = await services.triage.assess(ref, user, translate.assessment_values(vals), key)
            if result.errors:
                return answering.errors(triage_views.field_errors(result, tr))
            message = result.text(tr)
            warning = translate.text_value(vals, "content_warning")
            if result.ok and warning.strip() and services.warnings is not None:
                # Assessing was allowed just now, by the same rules that allow adding a warning.
                added = await services.warnings.add(ref, warning, allowed=True, tr=tr)
                message = " ".join(m for m in (message, added.message) if m)
            title = tr.gettext("Assessment saved") if result.ok else tr.gettext("Not saved")
            return answering.update(text_modal(title, message))

        await answering.answer_in_time(ack, client, body, store(), field="risk", tr=tr)

    app.view(triage_views.ASSESS_CALLBACK)(submit_assess)
