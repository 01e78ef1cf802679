"""Neutral messages → Discourse Markdown, escaping every user-supplied string.

Discourse renders Markdown (markdown-it) plus mentions (`@name`, `@group`), hashtags (`#category`),
BBCode (`[quote]`, `[date]`) and some HTML. User text is shown as text: every ASCII punctuation mark is
backslash-escaped (so no link, image, HTML, BBCode or emphasis can be formed), a word joiner follows `@`
and `#` so that no person, group or category is mentioned, and line breaks are kept.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from collections.abc import Callable

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.earlier.texts import VIEW_ACTION as EARLIER_VIEW
from cocbot.bot.earlier.texts import forum_hint
from cocbot.bot.i18n import N_, Translator, english, translator
from cocbot.bot.messages import (
    Button, Buttons, Channel, Facts, Folded, Heading, Link, LocalTime, Message, Note, People, Person, Text, UserText,
)

_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:&\"'=$%^/;,?@])")
_SAFE_URL = re.compile(r"^https://[^\s<>()\[\]\"']+$")
# What to reply, in a private message, for each button the other platforms show.
# Translators: the words in quotes (“on it”, “ack”, “assign me”, “end”, “release”…) are what cocbot understands:
# keep them in English, exactly as written.
REPLY_FOR_BUTTON = {
    "add_information": N_("reply to this message with anything you want to add"),
    "safety_ack": N_("reply “on it” to stop the pages and tell the others you are responding"),
    "readers_widen": N_("reply “whole committee” to let the rest of the committee see it"),
    "readers_keep": N_("or “keep” to keep it with the people you chose"),
    "behalf_confirm_named": N_("reply “confirm named” to confirm it and share your name"),
    "behalf_confirm_confidential": N_("“confirm” to confirm it confidentially"),
    "behalf_confirm_anonymous": N_("“confirm anonymous” to confirm it anonymously; anything else you write is "
                                   "added as a correction"),
    # Committee PM commands (bot/triage/commands.py) and talk commands (bot/talk/commands.py) are English words
    # in every language: the hints are translated around them; "" = only available in Slack.
    "triage_acknowledge": N_("reply “ack” to acknowledge"),
    "triage_assign_me": N_("“assign me”"),
    "triage_note": N_("“note …”"),
    "triage_ask": N_("“ask …” (relayed to the reporter)"),
    "triage_decide": N_("“decide <outcome> …”"),
    "triage_recuse": N_("“conflict” if you have one"),
    "triage_close": N_("“close”"),
    "triage_reopen": N_("“reopen”"),
    "triage_history": N_("“history” for every step recorded (“help” lists every command)"),
    "triage_reply": N_("reply to this message with your answer (the committee is not shown who you are "
                       "unless you say so)"),
    "triage_assess": N_("“assess …”"),
    "triage_reassign": "", "triage_view": "", "triage_review_announcement": "",
    # A talk-first conversation's PM (bot/talk/commands.py).
    "talk_reply": N_("reply to this message to answer (cocbot relays it)"),
    "talk_suggest_report": N_("“suggest a report” to suggest making it a report (the member decides)"),
    "talk_handover": N_("“hand over to @name” to hand over to a colleague (the member is asked first)"),
    "talk_end": N_("“end” to end the conversation"),
    "talk_make_report": N_("“make this a report” for the report form, filled in from this conversation"),
    "talk_someone_else": N_("“someone else @name” to talk to someone else"),
    "talk_handover_agree": N_("“agree” to agree"),
    "talk_handover_decline": N_("“keep as we are” to keep talking as you are"),
    "talk_open": "",
    "hold_release": N_("reply “release” to send it to the committee now"),
    "hold_withdraw": N_("reply “withdraw” to withdraw and delete it"),
}
MAX_RAW = 32000  # Discourse's default max_post_length


def local_date(at: datetime) -> str:
    utc = at.astimezone(timezone.utc)
    return f'[date={utc:%Y-%m-%d} time={utc:%H:%M:%S} timezone="UTC"]'


def escape(text: str) -> str:
    out = _PUNCT.sub(r"\\\1", text)
    # A backslash stops Markdown, not the mention/hashtag scanners: separate the sigil from the name.
    return out.replace("\\@", "\\@\u2060").replace("\\#", "\\#\u2060")


def _lines(text: str) -> str:
    # Hard line breaks so the account keeps its shape.
    return "  \n".join(escape(line) for line in text.split("\n"))


def username(name: str) -> str:
    """A person, shown as a name that notifies nobody."""
    return escape(name)


def _user_text(block: UserText, keep: int, tr: Translator = english()) -> str:
    """A person's text, escaped, with only its first `keep` characters when it had to be shortened."""
    body = _lines(block.text[:keep])
    if block.quote:
        body = "\n".join("> " + line for line in body.split("\n"))
    if keep < len(block.text):
        hidden = len(block.text) - keep
        body += "\n\n*" + escape(tr.ngettext("… shortened to fit the forum's longest post: %(n)d more character is "
                                             "not shown here.",
                                             "… shortened to fit the forum's longest post: %(n)d more characters "
                                             "are not shown here.", hidden) % {"n": hidden}) + "*"
    return (f"**{escape(block.label)}**\n" if block.label else "") + body


def _shorten(parts: list[str], people: list[int], blocks: list[UserText], tr: Translator = english(),
             limit: int = MAX_RAW) -> None:
    """Shorten people's texts, the last first (the account comes before the flagged message), until the
    post fits: the people, notices and replies that follow them are never the part that is cut."""
    for index, block in reversed(list(zip(people, blocks, strict=True))):
        over = len("\n\n".join(parts)) - limit
        if over <= 0:
            return
        # The longest prefix that brings the post within the limit (rendering grows with the prefix).
        lo, hi = 0, len(block.text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(_user_text(block, mid, tr)) - len(parts[index]) <= -over:
                lo = mid
            else:
                hi = mid - 1
        parts[index] = _user_text(block, lo, tr)


def forum_name(person: str, config: CommunityConfig) -> str | None:
    """A person's forum username: themselves in a Discourse-only community, else via the identity map."""
    if not config.uses_slack:
        return person
    if config.discourse is None:
        return None
    return config.discourse.forum_name(person)


def _same(person: str) -> str | None:
    return person


def _people(block: People, names: Callable[[str], str | None], tr: Translator) -> str:
    """The people's forum usernames; those with none (Slack members not linked in discourse.identities) are
    counted in neutral words, never shown by their Slack ids."""
    if not block.user_ids:
        return f"*{escape(block.empty)}*"
    known = [name for u in block.user_ids if (name := names(u))]
    listed = [username(name) for name in dict.fromkeys(known)]
    unknown = len(block.user_ids) - len(known)
    if unknown:
        listed.append(escape(tr.ngettext("%(n)d person on Slack (no linked forum account)",
                                         "%(n)d people on Slack (no linked forum account)", unknown) % {"n": unknown}))
    return ", ".join(listed)


def render(message: Message, names: Callable[[str], str | None] = _same, limit: int = MAX_RAW) -> str:
    """`names` gives a person's forum username (see forum_name); None means they have none to show. The
    post holds at most `limit` characters."""
    parts: list[str] = []
    folds: list[tuple[int, Folded]] = []  # where texts behind a content warning are among the parts
    people: list[int] = []  # where people's texts are among the parts
    tr = translator(message.locale)
    for block in message.blocks:
        if isinstance(block, Heading):
            parts.append(f"## {escape(block.text)}")
        elif isinstance(block, Text):
            text = escape(block.text)
            parts.append(f"**{text}**" if block.bold else text)
        elif isinstance(block, UserText):
            people.append(len(parts))
            parts.append(_user_text(block, len(block.text), tr))
        elif isinstance(block, People):
            parts.append(f"**{escape(block.label)}**: {_people(block, names, tr)}")
        elif isinstance(block, Person):
            name = names(block.user_id)
            who = escape(tr.gettext("%(name)s (forum username)") % {"name": name}) if name else \
                escape(tr.gettext("a facilitator who is reachable on Slack"))
            parts.append(f"**{escape(block.label)}**: {who}")
        elif isinstance(block, Channel):
            parts.append(f"**{escape(block.label)}**: {escape(block.channel_id)}")
        elif isinstance(block, Facts):
            parts.append("\n".join(f"**{escape(k)}**: {escape(v)}  " for k, v in block.pairs))
        elif isinstance(block, Link):
            if _SAFE_URL.match(block.url):
                parts.append(f"**{escape(block.label)}**: <{block.url}>")
            else:
                parts.append(f"**{escape(block.label)}**: {escape(block.url)}")
        elif isinstance(block, Buttons):
            hints = [h for b in block.buttons if (h := _reply_hint(b, tr))]
            if hints:
                text = "; ".join(hints)
                parts.append("*" + escape(text[:1].upper() + text[1:] + ".") + "*")
        elif isinstance(block, Note):
            parts.append(f"<small>{escape(block.text)}</small>")
        elif isinstance(block, LocalTime):
            parts.append(f"**{escape(block.label)}**: {local_date(block.at)}")
        elif isinstance(block, Folded):
            folds.append((len(parts), block))
            parts.append(folded(block, names, tr))
    raw = "\n\n".join(parts) or escape(message.summary)
    if len(raw) > limit:
        # What is behind a warning is shortened inside its element, which stays closed: cut from outside,
        # the element would lose its end and show everything it holds.
        for index, block in reversed(folds):
            over = len("\n\n".join(parts)) - limit
            if over > 0:
                parts[index] = folded(block, names, tr, room=len(parts[index]) - over)
        _shorten(parts, people, [b for b in message.blocks if isinstance(b, UserText)], tr, limit)
        raw = "\n\n".join(parts)
    # Only cocbot's own parts could still be too long (hundreds of people named): the end is cut then.
    return raw[:limit]


# A warning is a few words: a longer one is cut in the summary (as on Slack), which stays well within a post.
WARNING_CHARS = 1000
# What a details element's summary may not hold: its attribute's quote, BBCode brackets, HTML, line breaks.
_SUMMARY_UNSAFE = re.compile(r'["\[\]<>\r\n\\]')


def folded(block: Folded, names: Callable[[str], str | None], tr: Translator, room: int = MAX_RAW) -> str:
    """The text behind a content warning, in Discourse's details element (core's discourse-details
    BBCode): the reader sees the warning and opens it to read. The warning is the summary attribute,
    which is not Markdown, so it is not backslash-escaped: what could end the attribute or the element is
    replaced, and no one is mentioned. The whole element holds at most `room` characters."""
    warning = " ".join(block.warning.split())
    warning = warning if len(warning) <= WARNING_CHARS else warning[:WARNING_CHARS - 1] + "…"
    summary = tr.gettext("Content warning: %(warning)s (open to read)") % {"warning": warning}
    summary = _SUMMARY_UNSAFE.sub(" ", summary).replace("@", "@\u2060").replace("#", "#\u2060")
    head, tail = f'[details="{summary}"]\n\n', "\n\n[/details]"
    inner = render(Message(summary="", blocks=block.blocks, locale=tr.locale), names,
                   limit=max(0, room - len(head) - len(tail)))
    return head + inner + tail


def _reply_hint(button: Button, tr: Translator) -> str:
    if button.action_id.startswith(f"{EARLIER_VIEW}:"):
        return forum_hint(button.action_id.split(":", 1)[1], tr)
    hint = REPLY_FOR_BUTTON.get(button.action_id, "")
    return tr.gettext(hint) if hint else ""


def title(message: Message) -> str:
    """A private message's title: the notification summary, which never holds report content."""
    text = " ".join(message.summary.split())
    return (text or "Message from cocbot")[:200]
