"""Slack payloads → neutral domain types. Nothing else in the project reads Slack's payload shapes."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timezone
from typing import Any

from cocbot.bot.duty.times import DutyInputError
from cocbot.bot.i18n import N_
from cocbot.bot.i18n.phrases import Phrase
from cocbot.bot.reports.intake import Anonymity, FlaggedMessage, ReportDraft, Source
from cocbot.bot.talk.service import Opening
from cocbot.bot.triage import rules as triage

Values = dict[str, dict[str, Any]]

_USER_REF = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL_REF = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


# ---- modal submissions ----

def values(view: dict[str, Any]) -> Values:
    """A submitted view's inputs by block id."""
    state = (view.get("state") or {}).get("values") or {}
    flat: Values = {}
    for block_id, actions in state.items():
        # Each input block holds one element; its action id may differ in views built elsewhere.
        for element in (actions or {}).values():
            flat[block_id] = element or {}
    return flat


def text_value(vals: Values, block: str) -> str:
    return str(vals.get(block, {}).get("value") or "")


def users(vals: Values, block: str) -> tuple[str, ...]:
    return tuple(vals.get(block, {}).get("selected_users") or ())


def conversations(vals: Values, block: str) -> tuple[str, ...]:
    return tuple(str(c) for c in vals.get(block, {}).get("selected_conversations") or ())


def checked(vals: Values, block: str) -> frozenset[str]:
    """The values of the ticked checkboxes of a block."""
    return frozenset(str(o.get("value")) for o in vals.get(block, {}).get("selected_options") or ())


def user(vals: Values, block: str) -> str | None:
    chosen = vals.get(block, {}).get("selected_user")
    return str(chosen) if chosen else None


def conversation(vals: Values, block: str) -> str | None:
    return vals.get(block, {}).get("selected_conversation") or None


def choice(vals: Values, block: str) -> str | None:
    option = vals.get(block, {}).get("selected_option")
    return None if not option else str(option.get("value"))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def view_key(view: dict[str, Any]) -> str:
    # A double click submits the same view twice; its id makes the second a no-op.
    return f"slack:view:{view['id']}"


def submission(body: dict[str, Any]) -> tuple[dict[str, Any], Values, str, str]:
    """(metadata, values, user, idempotency key) of a modal submission."""
    view = body["view"]
    return metadata(view), values(view), str(body["user"]["id"]), view_key(view)


def number(meta: dict[str, Any], key: str) -> int:
    """An id the bot put in a view's metadata; 0 (found nowhere) for anything else."""
    value = meta.get(key)
    return value if isinstance(value, int) else 0


def report_draft(body: dict[str, Any], flagged: FlaggedMessage | None) -> ReportDraft:
    view = body["view"]
    vals = values(view)
    meta = metadata(view)
    anonymity_value = choice(vals, "anonymity") or "confidential"
    try:
        anonymity = Anonymity(anonymity_value)
    except ValueError:
        anonymity = Anonymity.CONFIDENTIAL
    return ReportDraft(
        idempotency_key=view_key(view),
        reporter=body["user"]["id"],
        source=Source.MESSAGE_SHORTCUT if meta.get("src") == "message_shortcut" else Source.COMMAND,
        description=text_value(vals, "description"),
        when=text_value(vals, "when"),
        where_channel=conversation(vals, "where"),
        where_text=text_value(vals, "where_text"),
        implicated=users(vals, "implicated"),
        implicated_other=text_value(vals, "implicated_other"),
        witnesses=users(vals, "witnesses"),
        ongoing=choice(vals, "ongoing") or "unsure",
        danger=choice(vals, "danger") == "yes",
        anonymity=anonymity,
        excluded=users(vals, "exclude"),
        flagged=flagged,
        readers=users(vals, "readers"),
        on_behalf=user(vals, "on_behalf"),
        on_behalf_other=text_value(vals, "on_behalf_other"),
        content_warning=text_value(vals, "content_warning"),
        hold="hold" in checked(vals, "hold"),
    )


def add_information(body: dict[str, Any]) -> tuple[str, str, str, str]:
    """(ref, user, text, idempotency key) from the Add information modal."""
    meta, vals, member, key = submission(body)
    return str(meta.get("ref") or ""), member, text_value(vals, "information"), key


def assessment_values(vals: Values) -> dict[str, str | None]:
    # The category option's value is the category itself (at most 60 characters, within Slack's 150).
    return {block: choice(vals, block)
            for block in ("risk", "impact", "ongoing", "unsafe", "category", "reporter_role")}


def decision_draft(vals: Values, template: str) -> triage.DecisionDraft | dict[str, str]:
    """The Decide modal's draft, or its field errors. `template` is the announcement the modal offered."""
    try:
        outcome = triage.Outcome(choice(vals, "outcome") or "")
    except ValueError:
        return {"outcome": N_("Choose an outcome.")}
    until: datetime | None = None
    raw_date = vals.get("ban_until", {}).get("selected_date")
    if raw_date:
        try:
            # A ban "until 12 March" is in force through that day, in UTC.
            until = datetime.combine(date.fromisoformat(str(raw_date)), time(23, 59), tzinfo=timezone.utc)
        except ValueError:
            return {"ban_until": N_("Choose a date from the calendar.")}
    announcement = text_value(vals, "announcement")
    # The unchanged template means "no announcement".
    if announcement.strip() == template[:3000].strip():
        announcement = ""
    return triage.DecisionDraft(
        outcome=outcome, message=text_value(vals, "message"), ban_subjects=users(vals, "ban_subjects"),
        ban_scope=text_value(vals, "ban_scope"), ban_until=until, announcement=announcement,
        announce_channel=conversation(vals, "announce_channel"), ban_channels=conversations(vals, "ban_channels"),
        ban_workspace="workspace" in checked(vals, "ban_everywhere"),
        ban_forum="forum" in checked(vals, "ban_everywhere"))


# ---- clicks, shortcuts, commands ----

def click(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(button value, clicking user, channel of the message clicked) from a block_actions payload."""
    action = (body.get("actions") or [{}])[0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(action.get("value") or ""), str(body["user"]["id"]), channel or None


def history_cursor(value: str) -> tuple[str, int | None, int | None] | None:
    """(report reference, before entry id, after entry id) from an Older/Newer button of the History view."""
    try:
        data = json.loads(value)
        ref = str(data["ref"])
        before, after = data.get("before"), data.get("after")
    except (ValueError, TypeError, KeyError):
        return None
    if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (before, after)):
        return None
    return ref, before, after


def flagged_message(body: dict[str, Any]) -> FlaggedMessage:
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or ""
    return FlaggedMessage(channel=channel, ts=str(message.get("ts") or ""),
                          author=message.get("user") or None, text=str(message.get("text") or ""))


def command(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user, channel, text) of a slash command."""
    return str(body.get("user_id") or ""), str(body.get("channel_id") or ""), str(body.get("text") or "")


def reference(token: str) -> tuple[str, str] | None:
    """A person or channel in a command's text, the way Slack writes them once picked from its suggestions."""
    if m := _USER_REF.match(token):
        return "user", m.group(1)
    if m := _CHANNEL_REF.match(token):
        return "channel", m.group(1)
    if token.startswith("#"):
        raise DutyInputError(Phrase(N_("I couldn't find the channel %(typed)s. Pick it from Slack's suggestions as "
                                       "you type, so it turns into a link."), typed=token))
    if token.startswith("@"):
        raise DutyInputError(Phrase(N_("I couldn't find the person %(typed)s. Pick them from Slack's suggestions as "
                                       "you type, so their name turns into a mention."), typed=token))
    return None


def member(body: dict[str, Any]) -> str | None:
    """Who acted: a slash command's `user_id`, or the `user` of a shortcut, click or submission."""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    return str(user) if user else None


def language(body: dict[str, Any]) -> str | None:
    """The language a modal was opened in (kept in its metadata), so its answer reads the same."""
    view = body.get("view") or {}
    lang = metadata(view).get("lang") if view else None
    return str(lang) if lang else None
# ---- membership events (bans enforcement) ----

def member_joined(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user, channel, event id) from a member_joined_channel event callback."""
    event = body.get("event") or {}
    return str(event.get("user") or ""), str(event.get("channel") or ""), str(body.get("event_id") or
                                                                              event.get("event_ts") or "")


def team_join(body: dict[str, Any]) -> tuple[str, str]:
    """(user, event id) from a team_join event callback (its `user` is a user object)."""
    event = body.get("event") or {}
    who = event.get("user")
    user = who.get("id") if isinstance(who, dict) else who
    return str(user or ""), str(body.get("event_id") or event.get("event_ts") or "")
# ---- talk first ----

def talk_opening(body: dict[str, Any]) -> Opening:
    """The talk modal's submission as the talk service's Opening."""
    meta, vals, member, key = submission(body)
    whom = choice(vals, "whom") or "on_duty"
    return Opening(member=member, platform="slack", text=text_value(vals, "text"), key=key,
                   where=str(meta.get("ch") or "") or None, pick=user(vals, "pick") if whom != "on_duty" else None,
                   bypass=whom == "bypass", excluded=users(vals, "exclude"),
                   anonymous=choice(vals, "anonymity") == "anonymous")


def in_modal(body: dict[str, Any]) -> bool:
    """A click inside an open modal (its next view is pushed onto it) rather than in a message or App Home."""
    return (body.get("view") or {}).get("type") == "modal"
