"""Neutral messages → Slack Block Kit, escaping every user-supplied string and keeping within Slack's limits.

Slack parses `<…>` sequences in mrkdwn as mentions (`<!channel>`, `<@U…>`) and links (`<https://…|…>`).
Escaping `&`, `<` and `>` as Slack documents turns them into plain text; a word joiner after `@` in
`@here`/`@channel`/`@everyone` keeps clients from treating the bare words as broadcasts.

Slack refuses a whole message or view when one limit is broken (50 blocks in a message, 100 in a view,
3,000 characters of section text, …), and escaping can make text five times longer. So lengths are counted
on the escaped text, text is cut only between escapes and mentions, and when a message cannot hold
everything the person's text is shortened — never the buttons, the people or the notices — with a note
and the message's "read it all" button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from cocbot.bot.messages import (
    Button, Buttons, Channel, Facts, Heading, Link, LocalTime, Message, Note, People, Person, Text, UserText,
)

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
# How much of people's text one channel message shows before it is shortened (the rest is one click
# away): a wall of 50 full sections helps nobody reading the channel.
MESSAGE_TEXT_BUDGET = 12000
ELLIPSIS = "…"

_BROADCAST = re.compile(r"@(?=(here|channel|everyone|group)\b)", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_SAFE_URL = re.compile(r"^https://[^\s<>|]+$")
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
    return [_section((head if i == 0 else "") + t) for i, t in enumerate(texts)]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text or "-", SECTION_LIMIT),
                                        "verbatim": True}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text or "-", SECTION_LIMIT),
                                             "verbatim": True}]}


def mention(user_id: str) -> str:
    return f"<@{user_id}>" if _USER_ID.match(user_id) else escape(user_id)


def date_token(at: datetime, fmt: str = "{date_short_pretty} {time}", fallback: str | None = None) -> str:
    """`<!date^…>`: Slack shows the moment in each reader's own time zone; the fallback is for old clients."""
    fallback = fallback or f"{at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(at.timestamp())}^{fmt}|{escape(fallback)}>"


def _joined(head: str, items: list[str], sep: str) -> list[str]:
    """`head` then the items, over as many sections as needed, each item whole."""
    texts: list[str] = []
    current = head
    for k, item in enumerate(items):
        add = (sep if k and current != "" else "") + item
        if len(current) + len(add) > SECTION_LIMIT and current:
            texts.append(current)
            current, add = "", item
        current += add
    texts.append(current)
    return [clip(t, SECTION_LIMIT) for t in texts if t]


@dataclass
class _Part:
    """One neutral block rendered: fixed blocks, or a person's text that may be shortened."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    label: str = ""
    texts: list[str] = field(default_factory=list)  # rendered pieces of a person's text
    actions: bool = False

    @property
    def shrinkable(self) -> bool:
        return bool(self.texts)

    def size(self) -> int:
        return sum(len(t) for t in self.texts)


def _user_text(block: UserText) -> _Part:
    label = f"*{clip(escape(block.label), 300)}*\n" if block.label else ""
    room = SECTION_LIMIT - len(label)
    texts = list(pieces(block.text, room, quote=block.quote)) if block.text else [escape("(no text)")]
    return _Part(label=label, texts=[t for t in texts if t] or ["-"])


def _part(block: Any) -> _Part:
    if isinstance(block, Heading):
        return _Part([{"type": "header", "text": {"type": "plain_text", "text": plain(block.text, HEADER_LIMIT)}}])
    if isinstance(block, Text):
        size = SECTION_LIMIT - (2 if block.bold else 0)
        return _Part([_section(f"*{t}*" if block.bold else t) for t in pieces(block.text or "-", size)])
    if isinstance(block, UserText):
        return _user_text(block)
    if isinstance(block, People):
        head = f"*{clip(escape(block.label), 300)}*\n"
        if not block.user_ids:
            return _Part([_section(head + f"_{clip(escape(block.empty), 300)}_")])
        return _Part([_section(t) for t in _joined(head, [mention(u) for u in block.user_ids], ", ")])
    if isinstance(block, Person):
        return _Part([_section(f"*{clip(escape(block.label), 300)}*\n{mention(block.user_id)}")])
    if isinstance(block, LocalTime):
        return _Part([_section(f"*{clip(escape(block.label), 300)}*\n{date_token(block.at)}")])
    if isinstance(block, Channel):
        ref = f"<#{block.channel_id}>" if _CHANNEL_ID.match(block.channel_id) else escape(block.channel_id)
        return _Part([_section(f"*{clip(escape(block.label), 300)}*\n{ref}")])
    if isinstance(block, Facts):
        fields = [{"type": "mrkdwn", "text": clip(f"*{escape(k)}*\n{escape(v)}", FIELD_LIMIT)}
                  for k, v in block.pairs]
        return _Part([{"type": "section", "fields": fields[i:i + FIELDS_PER_SECTION]}
                      for i in range(0, len(fields), FIELDS_PER_SECTION)])
    if isinstance(block, Link):
        label = f"*{clip(escape(block.label), 300)}*\n"
        if _SAFE_URL.match(block.url) and len(label) + len(block.url) + 7 <= SECTION_LIMIT:
            return _Part([_section(f"{label}<{block.url}|open>")])
        return _Part([_section(label + escape(block.url))])
    if isinstance(block, Buttons):
        elements = [button(b) for b in block.buttons]
        return _Part([{"type": "actions", "elements": elements[i:i + BUTTONS_PER_BLOCK]}
                      for i in range(0, len(elements), BUTTONS_PER_BLOCK)], actions=True)
    if isinstance(block, Note):
        return _Part([_context(escape(block.text))])
    return _Part()


def _shrink(parts: list[_Part], block_room: int, char_room: float) -> None:
    """Shorten people's text to `block_room` sections and `char_room` characters, in order: each text
    keeps at least its first section, so a later one is never dropped for an earlier one."""
    texts = [p for p in parts if p.shrinkable]
    for k, p in enumerate(texts):
        later = texts[k + 1:]
        blocks_for = max(1, block_room - len(later))
        chars_for = max(200.0, char_room - sum(min(q.size(), 200) for q in later))
        kept: list[str] = []
        used = 0
        for text in p.texts:
            if len(kept) == blocks_for or used >= chars_for:
                break
            if used + len(text) > chars_for:
                kept.append(clip(text, max(1, int(chars_for - used)) + len(ELLIPSIS)))
                break
            kept.append(text)
            used += len(text)
        if len(kept) < len(p.texts) and not kept[-1].endswith(ELLIPSIS):
            kept[-1] = clip(kept[-1] + " " + ELLIPSIS, SECTION_LIMIT - len(p.label))
        p.texts = kept or [ELLIPSIS]
        block_room -= len(p.texts)
        char_room -= sum(len(t) for t in p.texts)


def _blocks_of(part: _Part) -> list[dict[str, Any]]:
    if not part.shrinkable:
        return part.blocks
    return [_section((part.label if i == 0 else "") + t) for i, t in enumerate(part.texts)]


def render_blocks(message: Message, *, max_blocks: int = MESSAGE_BLOCK_LIMIT,
                  text_budget: float | None = MESSAGE_TEXT_BUDGET) -> list[dict[str, Any]]:
    """The message as blocks: at most `max_blocks`, and at most `text_budget` characters of people's
    text (None: only the block limit counts, as in a view that shows a whole report)."""
    parts = [_part(b) for b in message.blocks]
    # Shortened for readability only when the whole text is one click away; otherwise all that fits.
    budget = float("inf") if text_budget is None or message.more is None else text_budget
    total = sum(len(_blocks_of(p)) for p in parts)
    chars = sum(p.size() for p in parts)
    if total <= max_blocks and chars <= budget:
        return [b for p in parts for b in _blocks_of(p)]
    more = message.more
    present = {e.get("action_id") for p in parts if p.actions for b in p.blocks for e in b["elements"]}
    if more is not None and more.action_id in present:
        more = None
    actions = [p for p in parts if p.actions]
    if more is not None:
        # The "read it all" button joins the last row of buttons, or gets a row of its own.
        if actions and len(actions[-1].blocks[-1]["elements"]) < BUTTONS_PER_BLOCK:
            actions[-1].blocks[-1]["elements"].append(button(more))
        else:
            extra = _Part([{"type": "actions", "elements": [button(more)]}], actions=True)
            parts.append(extra)
            actions.append(extra)
    note = _Part([_context(
        f"Shortened to fit in Slack. Press *{escape(more.label)}* to read all of it." if more is not None
        else "Shortened to fit in Slack: the rest could not be shown here.")])
    # The note goes just above the last row of buttons, so the buttons stay at the bottom.
    parts.insert(parts.index(actions[-1]) if actions else len(parts), note)
    fixed = sum(len(p.blocks) for p in parts if not p.shrinkable)
    _shrink(parts, max_blocks - fixed, budget)
    blocks = [b for p in parts for b in _blocks_of(p)]
    if len(blocks) > max_blocks:
        # Even the fixed blocks are too many (hundreds of people, say): keep the buttons and the note.
        keep = [b for b in blocks if b["type"] == "actions"] + note.blocks
        ids = {id(b) for b in keep}
        head = [b for b in blocks if id(b) not in ids][:max(0, max_blocks - len(keep))]
        heads = {id(b) for b in head}
        blocks = [b for b in blocks if id(b) in heads or id(b) in ids][-max_blocks:]
    return blocks


def button(b: Button) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "button", "action_id": b.action_id[:255],
                           "text": {"type": "plain_text", "text": plain(b.label, BUTTON_TEXT_LIMIT)}}
    if b.value:
        # A button's value is an id the click handler looks up; one longer than Slack allows is refused
        # by the handler as unknown rather than breaking the whole message.
        out["value"] = b.value[:BUTTON_VALUE_LIMIT]
    if b.style:
        out["style"] = b.style
    return out


_button = button


def render_text(message: Message) -> str:
    """The notification fallback; it never holds report content, but is escaped all the same."""
    return clip(escape(message.summary), SECTION_LIMIT)
