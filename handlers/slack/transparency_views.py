"""The App Home button a committee member uses to get the transparency report (a DM to them alone)."""

from __future__ import annotations

from typing import Any

from cocbot.bot.i18n import Translator

ACTION_ID = "transparency_request"


def home_button(tr: Translator) -> list[dict[str, Any]]:
    return [
        {"type": "actions", "elements": [{
            "type": "button", "action_id": ACTION_ID, "value": "this_year",
            "text": {"type": "plain_text", "text": tr.gettext("Transparency report (sent to you)")}}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": tr.gettext(
            "This year's figures, with small counts hidden and no reference, name or date: sent to you alone as a "
            "direct message.")}]},
    ]
