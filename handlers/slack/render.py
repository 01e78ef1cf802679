"""Neutral messages → Slack Block Kit, keeping within Slack's limits.

When a message cannot hold everything, the person's text is shortened — never the buttons, the people or
the notices — with a note and the message's "read it all" button. A view that shows a whole report gets
all that fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cocbot.bot.i18n import Translator, translator
from cocbot.bot.messages import (
    Button, Buttons, Channel, Facts, Folded, Heading, Link, LocalTime, Message, Note, People, Person, Text, UserText,
)
from cocbot.handlers.slack.blocks import (
    BUTTON_TEXT_LIMIT, BUTTON_VALUE_LIMIT, BUTTONS_PER_BLOCK, CHANNEL_ID, ELLIPSIS, FIELD_LIMIT, FIELDS_PER_SECTION,
    MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_BUDGET, SAFE_URL, SECTION_LIMIT, clip, context, date_token, escape, header,
    mention, pieces, plain_text, section,
)


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


def _user_text(block: UserText, tr: Translator) -> _Part:
    label = f"*{clip(escape(block.label), 300)}*\n" if block.label else ""
    room = SECTION_LIMIT - len(label)
    texts = list(pieces(block.text, room, quote=block.quote)) if block.text else [escape(tr.gettext("(no text)"))]
    return _Part(label=label, texts=[t for t in texts if t] or ["-"])


def _part(block: Any, tr: Translator) -> _Part:
    if isinstance(block, Heading):
        return _Part([header(block.text)])
    if isinstance(block, Text):
        size = SECTION_LIMIT - (2 if block.bold else 0)
        return _Part([section(f"*{t}*" if block.bold else t) for t in pieces(block.text or "-", size)])
    if isinstance(block, UserText):
        return _user_text(block, tr)
    if isinstance(block, People):
        head = f"*{clip(escape(block.label), 300)}*\n"
        if not block.user_ids:
            return _Part([section(head + f"_{clip(escape(block.empty), 300)}_")])
        return _Part([section(t) for t in _joined(head, [mention(u) for u in block.user_ids], ", ")])
    if isinstance(block, Person):
        return _Part([section(f"*{clip(escape(block.label), 300)}*\n{mention(block.user_id)}")])
    if isinstance(block, LocalTime):
        return _Part([section(f"*{clip(escape(block.label), 300)}*\n{date_token(block.at)}")])
    if isinstance(block, Channel):
        ref = f"<#{block.channel_id}>" if CHANNEL_ID.match(block.channel_id) else escape(block.channel_id)
        return _Part([section(f"*{clip(escape(block.label), 300)}*\n{ref}")])
    if isinstance(block, Facts):
        fields = [{"type": "mrkdwn", "text": clip(f"*{escape(k)}*\n{escape(v)}", FIELD_LIMIT)}
                  for k, v in block.pairs]
        return _Part([{"type": "section", "fields": fields[i:i + FIELDS_PER_SECTION]}
                      for i in range(0, len(fields), FIELDS_PER_SECTION)])
    if isinstance(block, Link):
        label = f"*{clip(escape(block.label), 300)}*\n"
        word = escape(tr.gettext("open"))
        if SAFE_URL.match(block.url) and len(label) + len(block.url) + len(word) + 3 <= SECTION_LIMIT:
            return _Part([section(f"{label}<{block.url}|{word}>")])
        return _Part([section(label + escape(block.url))])
    if isinstance(block, Buttons):
        elements = [button(b) for b in block.buttons]
        return _Part([{"type": "actions", "elements": elements[i:i + BUTTONS_PER_BLOCK]}
                      for i in range(0, len(elements), BUTTONS_PER_BLOCK)], actions=True)
    if isinstance(block, Note):
        return _Part([context(escape(block.text))])
    if isinstance(block, Folded):
        # Slack cannot fold text away: the message holds only the warning, the text is one View away.
        return _Part([section(f"*{escape(tr.gettext('Content warning'))}*\n{clip(escape(block.warning), 1000)}"),
                      context(escape(tr.gettext("What was written is kept behind the content warning: press "
                                                "“View the whole report” to read it.")))])
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
    return [section((part.label if i == 0 else "") + t) for i, t in enumerate(part.texts)]


def render_blocks(message: Message, *, max_blocks: int = MESSAGE_BLOCK_LIMIT,
                  text_budget: float | None = MESSAGE_TEXT_BUDGET) -> list[dict[str, Any]]:
    """The message as blocks: at most `max_blocks`, and at most `text_budget` characters of people's
    text (None: only the block limit counts, as in a view that shows a whole report)."""
    tr = translator(message.locale)
    parts = [_part(b, tr) for b in message.blocks]
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
    note = _Part([context(
        tr.gettext("Shortened to fit in Slack. Press *%(button)s* to read all of it.") % {"button": escape(more.label)}
        if more is not None else tr.gettext("Shortened to fit in Slack: the rest could not be shown here."))])
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
                           "text": plain_text(b.label, BUTTON_TEXT_LIMIT)}
    if b.value:
        # A button's value is an id the click handler looks up; one longer than Slack allows is refused
        # by the handler as unknown rather than breaking the whole message.
        out["value"] = b.value[:BUTTON_VALUE_LIMIT]
    if b.style:
        out["style"] = b.style
    return out



def render_text(message: Message) -> str:
    """The notification fallback; it never holds report content, but is escaped all the same."""
    return clip(escape(message.summary), SECTION_LIMIT)
