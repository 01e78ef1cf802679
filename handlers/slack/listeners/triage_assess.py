"""Assess: risk × impact with the seed's suggested response, ongoing/unsafe, category, reporter's role.
The Assess button opens the form (triage_buttons); this takes its submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views
from cocbot.handlers.slack.blocks import text_modal


def register(app: AsyncApp, services: Services) -> None:
    async def submit_assess(ack: AsyncAck, body: dict[str, Any]) -> None:
        meta, vals, user, key = translate.submission(body)
        result = await services.triage.assess(str(meta.get("ref") or ""), user, translate.assessment_values(vals), key)
        tr = services.committee_translator()
        if result.errors:
            await ack(response_action="errors", errors=triage_views.field_errors(result, tr))
            return
        message = result.text(tr)
        warning = translate.text_value(vals, "content_warning")
        if result.ok and warning.strip() and services.warnings is not None:
            # Assessing was allowed just now, by the same rules that allow adding a warning.
            added = await services.warnings.add(str(meta.get("ref") or ""), warning, allowed=True, tr=tr)
            message = " ".join(m for m in (message, added.message) if m)
        title = tr.gettext("Assessment saved") if result.ok else tr.gettext("Not saved")
        await ack(response_action="update", view=text_modal(title, message))

    app.view(triage_views.ASSESS_CALLBACK)(submit_assess)
