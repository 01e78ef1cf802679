"""Slack payloads → neutral domain types. Nothing else in the project reads Slack's payload shapes."""

from __future__ import annotations

import json
from typing import Any

from cocbot.bot.reports.intake import Anonymity, FlaggedMessage, ReportDraft, Source


def _values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    state = (view.get("state") or {}).get("values") or {}
    flat: dict[str, dict[str, Any]] = {}
    for block_id, actions in state.items():
        # Each input block holds one element; its action id may differ in views built elsewhere.
        for element in (actions or {}).values():
            flat[block_id] = element or {}
    return flat


def _text(values: dict[str, dict[str, Any]], block: str) -> str:
    return str(values.get(block, {}).get("value") or "")


def _users(values: dict[str, dict[str, Any]], block: str) -> tuple[str, ...]:
    return tuple(values.get(block, {}).get("selected_users") or ())


def _choice(values: dict[str, dict[str, Any]], block: str) -> str | None:
    option = values.get(block, {}).get("selected_option")
    return None if not option else str(option.get("value"))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def report_draft(body: dict[str, Any], flagged: FlaggedMessage | None) -> ReportDraft:
    view = body["view"]
    values = _values(view)
    meta = metadata(view)
    anonymity_value = _choice(values, "anonymity") or "confidential"
    try:
        anonymity = Anonymity(anonymity_value)
    except ValueError:
        anonymity = Anonymity.CONFIDENTIAL
    where = values.get("where", {}).get("selected_conversation") or None
    return ReportDraft(
        # A double click submits the same view twice; its id makes the second a no-op.
        idempotency_key=f"slack:view:{view['id']}",
        reporter=body["user"]["id"],
        source=Source.MESSAGE_SHORTCUT if meta.get("src") == "message_shortcut" else Source.COMMAND,
        description=_text(values, "description"),
        when=_text(values, "when"),
        where_channel=where,
        where_text=_text(values, "where_text"),
        implicated=_users(values, "implicated"),
        implicated_other=_text(values, "implicated_other"),
        witnesses=_users(values, "witnesses"),
        ongoing=_choice(values, "ongoing") or "unsure",
        danger=_choice(values, "danger") == "yes",
        anonymity=anonymity,
        excluded=_users(values, "exclude"),
        flagged=flagged,
    )


def flagged_message(body: dict[str, Any]) -> FlaggedMessage:
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or ""
    return FlaggedMessage(channel=channel, ts=str(message.get("ts") or ""),
                          author=message.get("user") or None, text=str(message.get("text") or ""))


def add_information(body: dict[str, Any]) -> tuple[str, str, str, str]:
    """(ref, user, text, idempotency key) from the Add information modal."""
    view = body["view"]
    return (str(metadata(view).get("ref") or ""), body["user"]["id"], _text(_values(view), "information"),
            f"slack:view:{view['id']}")
