"""Triage on Slack: reading button clicks and modal submissions, the triage modals, and ephemeral refusals.

Ephemeral refusals go straight to the clicker (chat.postEphemeral): they say what was refused and why, and
never hold report content. Everything else reaches Slack through the outbox and the privacy gate.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.triage import rules as triage
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.triage.service import Result
from cocbot.handlers.slack.render import SECTION_LIMIT, clip, escape, plain, render_blocks, text_sections

if TYPE_CHECKING:  # records the domain hands over; handlers never query storage themselves
    from cocbot.storage.reports import ReportRecord
    from cocbot.storage.triage import AssessmentRecord, DecisionRecord, Entry

log = logging.getLogger("cocbot.slack")

ASSESS_CALLBACK = "triage_assess_modal"
NOTE_CALLBACK = "triage_note_modal"
ASK_CALLBACK = "triage_ask_modal"
REPLY_CALLBACK = "triage_reply_modal"
DECIDE_CALLBACK = "triage_decide_modal"
REASSIGN_CALLBACK = "triage_reassign_modal"
RECUSE_CALLBACK = "triage_recuse_modal"
APPROVE_CALLBACK = "triage_approve_modal"
MODAL_BLOCK_LIMIT = 100
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]+$")


def _pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _md(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": _pt(plain(text, 75)), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": _pt(label), "optional": optional,
                             "element": {**element, "action_id": block_id}}
    if hint:
        block["hint"] = _pt(hint)
    return block


def _radio(options: list[tuple[str, str]], initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "radio_buttons", "options": [_option(v, t) for v, t in options]}
    chosen = next(((v, t) for v, t in options if v == initial), None)
    if chosen:
        element["initial_option"] = _option(*chosen)
    return element


def _text_input(multiline: bool = True, max_length: int = 3000, initial: str | None = None,
                placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _pt(plain(placeholder, 150))
    return element


def _modal(callback_id: str, title: str, blocks: list[dict[str, Any]], *, submit: str | None,
           metadata: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {"type": "modal", "callback_id": callback_id, "title": _pt(plain(title, 24)),
                            "close": _pt("Cancel" if submit else "Close"),
                            "private_metadata": json.dumps(metadata, separators=(",", ":")),
                            "blocks": blocks[:MODAL_BLOCK_LIMIT]}
    if submit:
        view["submit"] = _pt(plain(submit, 24))
    return view


# ---- reading payloads ----

def click(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(button value, clicking user, channel of the message clicked) from a block_actions payload."""
    action = (body.get("actions") or [{}])[0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(action.get("value") or ""), str(body["user"]["id"]), channel or None


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    flat: dict[str, dict[str, Any]] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for element in (actions or {}).values():
            flat[block_id] = element or {}
    return flat


def text_value(vals: dict[str, dict[str, Any]], block: str) -> str:
    return str(vals.get(block, {}).get("value") or "")


def choice(vals: dict[str, dict[str, Any]], block: str) -> str | None:
    option = vals.get(block, {}).get("selected_option")
    return None if not option else str(option.get("value"))


def submission(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """(metadata, values, user, idempotency key) of a modal submission."""
    view = body["view"]
    return metadata(view), values(view), str(body["user"]["id"]), f"slack:view:{view['id']}"


def decision_draft(vals: dict[str, dict[str, Any]], config: CommunityConfig) -> triage.DecisionDraft | dict[str, str]:
    outcome_value = choice(vals, "outcome")
    try:
        outcome = triage.Outcome(outcome_value or "")
    except ValueError:
        return {"outcome": "Choose an outcome."}
    until: datetime | None = None
    raw_date = vals.get("ban_until", {}).get("selected_date")
    if raw_date:
        try:
            # A ban "until 12 March" is in force through that day, in UTC.
            until = datetime.combine(date.fromisoformat(str(raw_date)), time(23, 59), tzinfo=timezone.utc)
        except ValueError:
            return {"ban_until": "Choose a date from the calendar."}
    announcement = text_value(vals, "announcement")
    # The unchanged template means "no announcement".
    if announcement.strip() == template(config)[:3000].strip():
        announcement = ""
    return triage.DecisionDraft(
        outcome=outcome, message=text_value(vals, "message"),
        ban_subjects=tuple(vals.get("ban_subjects", {}).get("selected_users") or ()),
        ban_scope=text_value(vals, "ban_scope"), ban_until=until, announcement=announcement,
        announce_channel=vals.get("announce_channel", {}).get("selected_conversation") or None)


def template(config: CommunityConfig) -> str:
    return triage.announcement_draft(config.community.code_of_conduct_url, config.triage.contact)


# ---- replies to the clicker ----

async def refuse(client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    """An ephemeral message only the clicker sees. Never report content: refusals and errors only."""
    user = str(body["user"]["id"])
    _, _, channel = click(body)
    try:
        if channel:
            await client.chat_postEphemeral(channel=channel, user=user, text=escape(text))
        else:
            await client.chat_postMessage(channel=user, text=escape(text))
    except SlackApiError as exc:
        log.info("could not tell a member their click was refused (%s)", exc.response.get("error"))


async def tell_result(client: AsyncWebClient, body: dict[str, Any], result: Result) -> None:
    if not result.ok and result.message:
        await refuse(client, body, result.message)


def result_view(title: str, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": _pt(plain(title, 24)), "close": _pt("Close"),
            "blocks": text_sections("", text)[:MODAL_BLOCK_LIMIT]}


async def open_modal(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    try:
        await client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("could not open a triage modal: %s", exc.response.get("error"))
        await refuse(client, body, "Sorry, the form could not open (Slack said: "
                                   f"{exc.response.get('error')}). Please try the button again.")


# ---- modals ----

def note_modal(ref: str) -> dict[str, Any]:
    return _modal(NOTE_CALLBACK, "Add a private note", [
        _md(f"A private committee note on {escape(ref)}. It is kept with the report and shown in its thread."),
        _input("text", "Note", _text_input()),
    ], submit="Add note", metadata={"ref": ref})


def ask_modal(report: ReportRecord) -> dict[str, Any]:
    who = ("The reporter is anonymous: cocbot relays your question and their answer without anyone learning "
           "who they are." if report.anonymity == "anonymous" else
           "cocbot sends it to the reporter in a direct message, without your name.")
    return _modal(ASK_CALLBACK, "Ask the reporter", [
        _md(f"{escape(who)} Their answer appears in the report's thread."),
        _input("text", "Your question", _text_input(placeholder="e.g. Did anyone else see this happen?")),
    ], submit="Send question", metadata={"ref": report.ref})


def reply_modal(question: Entry, ref: str) -> dict[str, Any]:
    return _modal(REPLY_CALLBACK, "Reply to the committee", [
        *text_sections(f"*The committee asked about your report {escape(ref)}:*\n", question.text)[:90],
        _input("text", "Your answer", _text_input()),
    ], submit="Send", metadata={"question": question.id})


def reassign_modal(ref: str) -> dict[str, Any]:
    return _modal(REASSIGN_CALLBACK, "Reassign", [
        _md(f"Who should own {escape(ref)}? Only committee members who may see it can own it."),
        _input("assignee", "Owner", {"type": "users_select", "placeholder": _pt("Choose a committee member")}),
    ], submit="Assign", metadata={"ref": ref})


def recuse_modal(ref: str) -> dict[str, Any]:
    return _modal(RECUSE_CALLBACK, "Declare a conflict", [
        _md(f"*Do you have a conflict of interest with {escape(ref)}?*\n"
            "You will no longer be able to read or act on it and will get no reminders about it. cocbot moves "
            "the case to a new private space with the remaining eligible members and replaces its messages "
            "here with “moved — conflict declared”. Your recusal is recorded in the report's history."),
    ], submit="Step back", metadata={"ref": ref})


def assess_modal(report: ReportRecord, config: CommunityConfig, previous: AssessmentRecord | None) -> dict[str, Any]:
    role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
    matrix = "\n".join(
        f"• {risk.value.capitalize()} risk × {impact.value} impact → *{escape(resp)}* "
        f"_({escape(triage.EXAMPLES[(risk, impact)])})_"
        for (risk, impact), resp in triage.SUGGESTED_RESPONSES.items())
    blocks: list[dict[str, Any]] = [
        _md(f"*Assess {escape(report.ref)}: risk of further harm × impact*\n{matrix}"),
    ]
    if previous is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(
            f"Current assessment: risk {previous.risk} × impact {previous.impact} → "
            f"{triage.suggested_response(previous.risk, previous.impact)}")}]})
    levels = [("low", "Low"), ("high", "High")]
    category_options = [_option(c, c) for c in config.triage.categories]
    category: dict[str, Any] = {"type": "static_select", "placeholder": _pt("Choose a category"),
                                "options": category_options}
    current_category = previous.category if previous else report.category
    if current_category in config.triage.categories:
        category["initial_option"] = category_options[config.triage.categories.index(current_category)]
    blocks += [
        _input("risk", "Risk of further harm", _radio(levels, previous.risk if previous else None)),
        _input("impact", "Impact", _radio(levels, previous.impact if previous else None)),
        _input("ongoing", "Is it still going on?", _radio([("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
                                                          previous.ongoing if previous else report.ongoing)),
        _input("unsafe", "Is anyone unsafe right now?", _radio(
            [("no", "No"), ("yes", "Yes — protect everyone involved first")],
            ("yes" if previous.unsafe else "no") if previous else ("yes" if report.danger else None))),
        _input("category", "Code of Conduct category", category),
        _input("reporter_role", "The reporter was", _radio(
            [("affected", "Affected by what happened"), ("witness", "A witness or bystander")], role),
            hint="Witnesses are generally not told the outcome, for confidentiality."),
    ]
    return _modal(ASSESS_CALLBACK, "Assess risk × impact", blocks, submit="Save", metadata={"ref": report.ref})


def assessment_values(vals: dict[str, dict[str, Any]], config: CommunityConfig) -> dict[str, str | None]:
    # The option's value is the category itself (at most 60 characters, within Slack's 150).
    category = choice(vals, "category")
    return {"risk": choice(vals, "risk"), "impact": choice(vals, "impact"), "ongoing": choice(vals, "ongoing"),
            "unsafe": choice(vals, "unsafe"), "category": category, "reporter_role": choice(vals, "reporter_role")}


def decide_modal(report: ReportRecord, config: CommunityConfig, assessment: AssessmentRecord | None,
                 today: date) -> dict[str, Any]:
    role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
    told = ("The reporter is told the outcome and your message." if triage.reveals_outcome(role) else
            "The reporter is a witness: they are told only your message, not the outcome.")
    intro = f"*Decide on {escape(report.ref)}*"
    if assessment is not None:
        intro += (f"\nAssessed risk {assessment.risk} × impact {assessment.impact}; suggested: "
                  f"{escape(triage.suggested_response(assessment.risk, assessment.impact))}")
    announce: dict[str, Any] = {"type": "conversations_select", "placeholder": _pt("Choose a channel"),
                                "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if config.triage.announcement_channel:
        announce["initial_conversation"] = config.triage.announcement_channel
    subjects: dict[str, Any] = {"type": "multi_users_select", "placeholder": _pt("Choose people")}
    # Only Slack ids: a report filed on Discourse names forum usernames, and one of those would stop the
    # whole modal from opening.
    slack_ids = [u for u in report.implicated if _SLACK_USER.match(u)]
    if slack_ids:
        subjects["initial_users"] = slack_ids
    blocks = [
        _md(intro),
        _input("outcome", "Outcome", _radio([(o.value, triage.OUTCOME_LABELS[o]) for o in triage.Outcome])),
        _input("message", "Message to the reporter", _text_input(), hint=told + " cocbot never names you."),
        {"type": "header", "text": _pt("For bans")},
        _input("ban_subjects", "Who is banned", subjects, optional=True),
        _input("ban_scope", "Which spaces", _text_input(multiline=False, max_length=200,
                                                        placeholder="e.g. all spaces, or Slack and the calls"),
               optional=True),
        _input("ban_until", "Ban ends on", {"type": "datepicker", "placeholder": _pt("Choose a date")},
               optional=True, hint="Leave empty for a permanent ban. “Take a week off” defaults to 7 days."),
        {"type": "header", "text": _pt("Public announcement (optional)")},
        _md("For public outcomes only. Keep it general — no names or details that could identify anyone. It "
            "is posted only after a second committee member approves it. Leave the template unchanged for "
            "no announcement."),
        _input("announcement", "Announcement", _text_input(initial=template(config)), optional=True),
        _input("announce_channel", "Post it in", announce, optional=True),
    ]
    return _modal(DECIDE_CALLBACK, "Decide", blocks, submit="Record decision",
                  metadata={"ref": report.ref, "today": today.isoformat()})


def review_announcement_modal(decision: DecisionRecord, ref: str) -> dict[str, Any]:
    where = f"<#{decision.announce_channel}>" if decision.announce_channel else "the chosen channel"
    return _modal(APPROVE_CALLBACK, "Review announcement", [
        _md(f"*Announcement for {escape(ref)}*, drafted by another committee member. Check that it names nobody "
            f"and holds no detail that could identify anyone. Approving posts it in {where}."),
        *text_sections("", decision.announcement or "")[:90],
    ], submit="Approve and post", metadata={"decision": decision.id})


def message_modal(title: str, message: Message, note: str | None = None) -> dict[str, Any]:
    # A view holds twice a message's blocks and is read on purpose: the whole text, as far as it fits.
    blocks = render_blocks(message, max_blocks=MODAL_BLOCK_LIMIT - (1 if note else 0), text_budget=None)
    if note:
        blocks.insert(0, {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]})
    return _modal("triage_read_only", title, blocks, submit=None, metadata={})
