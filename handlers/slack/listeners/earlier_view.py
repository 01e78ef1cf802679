""""View R-0012" on a new case's earlier-cases listing: the earlier case, for a member allowed to read it
(checked again at the click), recorded in that case's history."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.earlier.texts import VIEW_ACTION
from cocbot.bot.triage.results import Result
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate, triage_views

ACTION = re.compile(rf"^{VIEW_ACTION}:R-\d+$")


def register(app: AsyncApp, services: Services) -> None:
    async def view_earlier(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        value, user, _ = translate.click(body)
        new_ref, _, earlier_ref = value.partition(":")
        found = await services.earlier.view(new_ref, earlier_ref, user)
        tr = services.committee_translator()
        if isinstance(found, Result):
            await triage_views.refuse(client, body, found.text(tr))
            return
        await triage_views.open_modal(client, body, triage_views.report_modal(earlier_ref, found, services.config, tr),
                                      tr)

    app.action(ACTION)(view_earlier)
