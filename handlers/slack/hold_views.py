"""The report modal's hold option, the held reports in a reporter's App Home, and the earlier-case modal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cocbot.bot.holds import texts
from cocbot.bot.i18n import Translator, english
from cocbot.handlers.slack.blocks import escape, input_block, option, section

HOLD_BLOCK = "hold"
HOLD_VALUE = "hold"


def add_hold_option(blocks: list[dict[str, Any]], tr: Translator | None = None) -> list[dict[str, Any]]:
    """Append the "hold my report" checkbox to a report modal's blocks (other options are appended the same
    way, each by its own helper). Submitting it without naming anyone is answered inline."""
    tr = tr or english()
    blocks.append(input_block(HOLD_BLOCK, texts.option(tr), {
        "type": "checkboxes", "options": [option(HOLD_VALUE, tr.gettext("Yes, hold my report"))],
    }, optional=True, hint=texts.option_hint(tr)))
    return blocks


def held_home_blocks(held: list[tuple[str, datetime]], tr: Translator | None = None) -> list[dict[str, Any]]:
    """The reporter's own held reports, each with its two buttons; nothing when they hold none."""
    if not held:
        return []
    tr = tr or english()
    blocks: list[dict[str, Any]] = [{"type": "divider"}, section(f"*{escape(texts.home_heading(tr))}*")]
    for ref, expires_at in held:
        blocks.append(section(escape(texts.home_line(ref, expires_at, tr))))
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": texts.RELEASE_ACTION, "value": ref, "style": "primary",
             "text": {"type": "plain_text", "text": tr.gettext("Send it to the committee now")}},
            {"type": "button", "action_id": texts.WITHDRAW_ACTION, "value": ref, "style": "danger",
             "text": {"type": "plain_text", "text": tr.gettext("Withdraw and delete it")}},
        ]})
    return blocks
