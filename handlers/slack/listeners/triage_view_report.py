"""View report (details on demand): the full report in a modal for the clicking member; every view is
recorded in the audit log."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.services import Services
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack import triage_views

ACTION_ID = "triage_view"


def register(app: AsyncApp, services: Services) -> None:
    triage = services.triage
    if triage is None:  # a Services built without triage (some tests, tools): nothing to wire
        return

    async def view_report(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, channel = triage_views.click(body)
        found = await triage.view_report(ref, user, channel)
        if isinstance(found, Result):
            await triage_views.refuse(client, body, found.message)
            return
        message = triage_texts.full_report(found.report, services.config, found.entries, found.assessment,
                                           found.decisions, found.addenda)
        await triage_views.open_modal(client, body, triage_views.message_modal(
            f"Report {ref}", message, note="This view is recorded in the report's history."))

    app.action(ACTION_ID)(view_report)
