"""Submitting the report modal: validate inline, store, then show the reference."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.intake import FlaggedMessage, StoreFailed, validate
from bot.services import Services
from bot.texts import NOT_STORED
from handlers.slack import translate
from handlers.slack.views import REPORT_CALLBACK, confirmation_view

log = logging.getLogger("cocbot.slack")

# Field names in the domain → block ids in the modal, for inline errors.
_BLOCK_FOR_FIELD = {"excluded": "exclude"}


def register(app: AsyncApp, services: Services) -> None:
    async def submit_report(ack: AsyncAck, body: dict[str, Any]) -> None:
        view = body["view"]
        flagged: FlaggedMessage | None = None
        meta = translate.metadata(view)
        if meta.get("src") == "message_shortcut":
            snapshot = await services.intake.flag_snapshot(str(view["id"]))
            if snapshot is not None:
                flagged = FlaggedMessage(snapshot.channel, snapshot.ts, snapshot.author, snapshot.text)
            elif meta.get("ch") and meta.get("ts"):
                flagged = FlaggedMessage(str(meta["ch"]), str(meta["ts"]), None, "")
        draft = translate.report_draft(body, flagged)
        errors = validate(draft, services.config)
        if errors:
            await ack(response_action="errors",
                      errors={_BLOCK_FOR_FIELD.get(k, k): v for k, v in errors.items()})
            return
        try:
            submitted = await services.intake.submit(draft)
        except StoreFailed:  # logged by the intake, without content; the modal stays open to send again
            await ack(response_action="errors", errors={"description": NOT_STORED})
            return
        await ack(response_action="update", view=confirmation_view(
            services.config, ref=submitted.ref, danger=submitted.danger, anonymity=submitted.anonymity))

    app.view(REPORT_CALLBACK)(submit_report)
