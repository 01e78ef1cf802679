"""Neutral messages → Slack Block Kit, escaping every user-supplied string.

Slack parses `<…>` sequences in mrkdwn as mentions (`<!channel>`, `<@U…>`) and links (`<https://…|…>`).
Escaping `&`, `<` and `>` as Slack documents turns them into plain text; a word joiner after `@` in
`@here`/`@channel`/`@everyone` keeps clients from treating the bare words as broadcasts.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import (
    Button, Buttons, Channel, Facts, Heading, Link, Message, Note, People, Text, UserText,
)

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
_BROADCAST = re.compile(r"@(?=(here|channel|everyone|group)\b)", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_SAFE_URL = re.compile(r"^https://[^\s<>|]+$")


def escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@\u2060", text)


def _chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)


def render_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, Heading):
            blocks.append({"type": "header", "text": {"type": "plain_text", "text": block.text[:HEADER_LIMIT]}})
        elif isinstance(block, Text):
            text = escape(block.text)
            blocks.append(_section(f"*{text}*" if block.bold else text))
        elif isinstance(block, UserText):
            body = escape(block.text)
            if block.quote:
                body = "\n".join("&gt; " + line for line in body.split("\n"))
            label = f"*{escape(block.label)}*\n" if block.label else ""
            # Escaping can lengthen text; split on the escaped form so no section exceeds Slack's limit.
            parts = _chunks(body, SECTION_LIMIT - len(label) - 10)
            for i, part in enumerate(parts):
                blocks.append(_section((label if i == 0 else "") + part))
        elif isinstance(block, People):
            names = ", ".join(mention(u) for u in block.user_ids) or f"_{escape(block.empty)}_"
            blocks.append(_section(f"*{escape(block.label)}*\n{names}"))
        elif isinstance(block, Channel):
            ref = f"<#{block.channel_id}>" if _CHANNEL_ID.match(block.channel_id) else escape(block.channel_id)
            blocks.append(_section(f"*{escape(block.label)}*\n{ref}"))
        elif isinstance(block, Facts):
            fields = [{"type": "mrkdwn", "text": f"*{escape(k)}*\n{escape(v)}"} for k, v in block.pairs]
            for i in range(0, len(fields), 10):  # Slack allows 10 fields per section
                blocks.append({"type": "section", "fields": fields[i:i + 10]})
        elif isinstance(block, Link):
            if _SAFE_URL.match(block.url):
                blocks.append(_section(f"*{escape(block.label)}*\n<{block.url}|open>"))
            else:
                blocks.append(_section(f"*{escape(block.label)}*\n{escape(block.url)}"))
        elif isinstance(block, Buttons):
            blocks.append({"type": "actions", "elements": [_button(b) for b in block.buttons]})
        elif isinstance(block, Note):
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(block.text)}]})
    return blocks[:50]


def _button(b: Button) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "button", "action_id": b.action_id,
                           "text": {"type": "plain_text", "text": b.label[:75]}, "value": b.value[:2000]}
    if b.style:
        out["style"] = b.style
    return out


def render_text(message: Message) -> str:
    """The notification fallback; it never holds report content, but is escaped all the same."""
    return escape(message.summary)
