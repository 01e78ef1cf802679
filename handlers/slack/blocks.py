"""Block Kit: Slack's limits, mrkdwn escaping, and the shapes every Slack view and message is built from.

Slack parses `<…>` sequences in mrkdwn as mentions (`<!channel>`, `<@U…>`) and links (`<https://…|…>`).
Escaping `&`, `<` and `>` as Slack documents turns them into plain text; a word joiner after `@` in
`@here`/`@channel`/`@everyone` keeps clients from treating the bare words as broadcasts.

Slack refuses a whole message or view when one limit is broken (50 blocks in a message, 100 in a view,
3,000 characters of section text, …), and escaping can make text five times longer. So lengths are counted
on the escaped text and text is cut only between escapes and mentions. Every mrkdwn text is `verbatim`:
Slack turns only the mentions and links built here into links, never a bare URL or name in people's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

# Slack's Block Kit limits (docs.slack.dev/reference/block-kit).
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
TITLE_LIMIT = 24
OPTION_TEXT_LIMIT = 75
PLACEHOLDER_LIMIT = 150
# How much of people's text one channel message shows before it is shortened (the rest is one click
# away): a wall of 50 full sections helps nobody reading the channel.
MESSAGE_TEXT_BUDGET = 12000
ELLIPSIS = "…"

_BROADCAST = re.compile(r"@(?=(here|channel|everyone|group)\b)", re.IGNORECASE)
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
SAFE_URL = re.compile(r"^https://[^\s<>|]+$")
# What a cut must never split: an escape, a mention/link/date token, a neutralised broadcast.
_ATOM = re.compile(r"&(?:amp|lt|gt);|<[^<>\n]*>|@\u2060")
# Upper bound of each character's escaped length (`@` may gain a word joiner).
_COST = {"&": 5, "<": 4, ">": 4, "@": 2}
_QUOTE = "&gt; "


def escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@\u2060", text)


def clip(rendered: str, limit: int, marker: str = ELLIPSIS) -> str:
    """Rendered mrkdwn cut to at most `limit` characters, never inside an escape or a mention."""
    if len(rendered) <= limit:
        return rendered
    cut = max(0, limit - len(marker))
    for m in _ATOM.finditer(rendered, max(0, cut - 4000)):
        if m.start() >= cut:
            break
        if m.end() > cut:
            cut = m.start()
            break
    # A cut can end a word: "@heres" cut after "@here" would become a broadcast.
    head = _BROADCAST.sub("@\u2060", rendered[:cut])
    if len(head) + len(marker) > limit and limit > len(marker):
        return clip(rendered, limit - (len(head) + len(marker) - limit), marker)
    return head + marker


def plain(text: str, limit: int, empty: str = "-") -> str:
    """A plain_text value: not parsed by Slack, so cut anywhere; never empty (Slack refuses that)."""
    text = text if text.strip() else empty
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def _quote(rendered: str) -> str:
    return "\n".join(_QUOTE + line for line in rendered.split("\n"))


def pieces(text: str, size: int, *, quote: bool = False) -> Iterator[str]:
    """Escaped pieces of `text`, each at most `size` characters once rendered (quoted if asked).

    Cut on the raw text, so an escape can never be split; at a line end, or a space, when one is near.
    """
    start, n = 0, len(text)
    # Most texts fit whole: their rendered length, counted at once, spares the walk character by character.
    whole = (n + 4 * text.count("&") + 3 * (text.count("<") + text.count(">")) + text.count("@")
             + (len(_QUOTE) * (1 + text.count("\n")) if quote else 0))
    if n and whole <= size:
        piece = escape(text)
        yield _quote(piece) if quote else piece
        return
    while True:
        cost = len(_QUOTE) if quote else 0
        i, line_end, space = start, -1, -1
        while i < n:
            c = text[i]
            w = _COST.get(c, 1) + (len(_QUOTE) if quote and c == "\n" else 0)
            if cost + w > size:
                break
            cost += w
            i += 1
            if c == "\n":
                line_end = i
            elif c == " ":
                space = i
        if i < n:
            half = start + (i - start) // 2
            i = line_end if line_end > half else space if space > half else i
        if i == start and i < n:  # a size too small for one character: take it anyway, clip will cut
            i += 1
        piece = escape(text[start:i])
        yield _quote(piece) if quote else piece
        start = i
        if start >= n:
            return


def text_sections(head: str, text: str, *, quote: bool = False) -> list[dict[str, Any]]:
    """`head` (already rendered) followed by a person's `text`, over as many sections as it needs."""
    head = clip(head, SECTION_LIMIT // 2)
    texts = list(pieces(text, SECTION_LIMIT - len(head), quote=quote)) if text else [""]
    return [section((head if i == 0 else "") + t) for i, t in enumerate(texts)]


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text or "-", SECTION_LIMIT),
                                        "verbatim": True}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text or "-", SECTION_LIMIT),
                                             "verbatim": True}]}


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if USER_ID.match(user_id) else escape(user_id)


def date_token(at: datetime, fmt: str = "{date_short_pretty} {time}", fallback: str | None = None) -> str:
    """`<!date^…>`: Slack shows the moment in each reader's own time zone; the fallback is for old clients."""
    fallback = fallback or f"{at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(at.timestamp())}^{fmt}|{escape(fallback)}>"


def plain_text(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if limit is None else plain(text, limit)}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain_text(text, HEADER_LIMIT)}


def option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain_text(text, OPTION_TEXT_LIMIT), "value": value}


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
                hint: str | None = None) -> dict[str, Any]:
    """An input block whose element answers to the block's own id."""
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": plain_text(label),
                             "optional": optional, "element": {**element, "action_id": block_id}}
    if hint:
        block["hint"] = plain_text(hint)
    return block


def radio(options: list[tuple[str, str]], initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "radio_buttons", "options": [option(v, t) for v, t in options]}
    chosen = next(((v, t) for v, t in options if v == initial), None)
    if chosen:
        element["initial_option"] = option(*chosen)
    return element


def text_input(*, multiline: bool = True, max_length: int = SECTION_LIMIT, initial: str | None = None,
               placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain_text(placeholder, PLACEHOLDER_LIMIT)
    return element


def modal(callback_id: str | None, title: str, blocks: list[dict[str, Any]], *, submit: str | None = None,
          close: str | None = None, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """A modal within Slack's limits; without a submit button, its one button closes it."""
    view: dict[str, Any] = {"type": "modal", "title": plain_text(title, TITLE_LIMIT),
                            "close": plain_text(close or ("Cancel" if submit else "Close"), TITLE_LIMIT),
                            "blocks": blocks[:VIEW_BLOCK_LIMIT]}
    if callback_id:
        view["callback_id"] = callback_id
    if submit:
        view["submit"] = plain_text(submit, TITLE_LIMIT)
    if metadata is not None:
        view["private_metadata"] = json.dumps(metadata, separators=(",", ":"))
    return view


def text_modal(title: str, text: str) -> dict[str, Any]:
    """A read-only modal that tells the person something (an outcome, a refusal)."""
    return modal(None, title, text_sections("", text))
