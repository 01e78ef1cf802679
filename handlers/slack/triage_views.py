"""Triage on Slack: the triage modals, and ephemeral refusals.

Ephemeral refusals go straight to the clicker (chat.postEphemeral): they say what was refused and why, and
never hold report content. Everything else reaches Slack through the outbox and the privacy gate.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.triage import rules as triage
from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.triage.results import (
    AssessmentRecord, AuditEntry, DecisionRecord, Entry, ReportRecord, ReportView, Result,
)
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.blocks import (
    USER_ID, VIEW_BLOCK_LIMIT, context, escape, header, input_block, modal, option, plain_text, radio, section,
    text_input, text_modal, text_sections,
)
from cocbot.handlers.slack.render import render_blocks


log = logging.getLogger("cocbot.slack")

ASSESS_CALLBACK = "triage_assess_modal"
NOTE_CALLBACK = "triage_note_modal"
ASK_CALLBACK = "triage_ask_modal"
REPLY_CALLBACK = "triage_reply_modal"
DECIDE_CALLBACK = "triage_decide_modal"
REASSIGN_CALLBACK = "triage_reassign_modal"
RECUSE_CALLBACK = "triage_recuse_modal"
APPROVE_CALLBACK = "triage_approve_modal"


def template(config: CommunityConfig) -> str:
    """The announcement the Decide modal offers; sent back unchanged, it means "no announcement"."""
    return triage.announcement_draft(config.community.code_of_conduct_url, config.triage.contact)


# ---- replies to the clicker ----

async def refuse(client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    """An ephemeral message only the clicker sees. Never report content: refusals and errors only."""
    _, user, channel = translate.click(body)
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


async def settle(ack: AsyncAck, result: Result, done: str, field: str) -> None:
    """Answer a form's submission: the refusal beside `field`, or the outcome in the modal."""
    if not result.ok:
        await ack(response_action="errors", errors={field: result.errors.get(field, result.message)})
        return
    await ack(response_action="update", view=text_modal(done, result.message))


async def open_modal(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    try:
        await client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("could not open a triage modal: %s", exc.response.get("error"))
        await refuse(client, body, "Sorry, the form could not open (Slack said: "
                                   f"{exc.response.get('error')}). Please try the button again.")


# ---- modals ----

def note_modal(ref: str) -> dict[str, Any]:
    return modal(NOTE_CALLBACK, "Add a private note", [
        section(f"A private committee note on {escape(ref)}. It is kept with the report and shown in its thread."),
        input_block("text", "Note", text_input()),
    ], submit="Add note", metadata={"ref": ref})


def ask_modal(report: ReportRecord) -> dict[str, Any]:
    who = ("The reporter is anonymous: cocbot relays your question and their answer without anyone learning "
           "who they are." if report.anonymity == "anonymous" else
           "cocbot sends it to the reporter in a direct message, without your name.")
    return modal(ASK_CALLBACK, "Ask the reporter", [
        section(f"{escape(who)} Their answer appears in the report's thread."),
        input_block("text", "Your question", text_input(placeholder="e.g. Did anyone else see this happen?")),
    ], submit="Send question", metadata={"ref": report.ref})


def reply_modal(question: Entry, ref: str) -> dict[str, Any]:
    return modal(REPLY_CALLBACK, "Reply to the committee", [
        *text_sections(f"*The committee asked about your report {escape(ref)}:*\n", question.text)[:90],
        input_block("text", "Your answer", text_input()),
    ], submit="Send", metadata={"question": question.id})


def reassign_modal(ref: str) -> dict[str, Any]:
    return modal(REASSIGN_CALLBACK, "Reassign", [
        section(f"Who should own {escape(ref)}? Only committee members who may see it can own it."),
        input_block("assignee", "Owner",
                    {"type": "users_select", "placeholder": plain_text("Choose a committee member")}),
    ], submit="Assign", metadata={"ref": ref})


def recuse_modal(ref: str) -> dict[str, Any]:
    return modal(RECUSE_CALLBACK, "Declare a conflict", [
        section(f"*Do you have a conflict of interest with {escape(ref)}?*\n"
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
        section(f"*Assess {escape(report.ref)}: risk of further harm × impact*\n{matrix}"),
    ]
    if previous is not None:
        blocks.append(context(escape(
            f"Current assessment: risk {previous.risk} × impact {previous.impact} → "
            f"{triage.suggested_response(previous.risk, previous.impact)}")))
    levels = [("low", "Low"), ("high", "High")]
    category_options = [option(c, c) for c in config.triage.categories]
    category: dict[str, Any] = {"type": "static_select", "placeholder": plain_text("Choose a category"),
                                "options": category_options}
    current_category = previous.category if previous else report.category
    if current_category in config.triage.categories:
        category["initial_option"] = category_options[config.triage.categories.index(current_category)]
    blocks += [
        input_block("risk", "Risk of further harm", radio(levels, previous.risk if previous else None)),
        input_block("impact", "Impact", radio(levels, previous.impact if previous else None)),
        input_block("ongoing", "Is it still going on?", radio([("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
                                                              previous.ongoing if previous else report.ongoing)),
        input_block("unsafe", "Is anyone unsafe right now?", radio(
            [("no", "No"), ("yes", "Yes — protect everyone involved first")],
            ("yes" if previous.unsafe else "no") if previous else ("yes" if report.danger else None))),
        input_block("category", "Code of Conduct category", category),
        input_block("reporter_role", "The reporter was", radio(
            [("affected", "Affected by what happened"), ("witness", "A witness or bystander")], role),
            hint="Witnesses are generally not told the outcome, for confidentiality."),
    ]
    blocks += assess_warning_blocks(report)
    return modal(ASSESS_CALLBACK, "Assess risk × impact", blocks, submit="Save",
                 metadata={"ref": report.ref})


def decide_modal(report: ReportRecord, config: CommunityConfig, assessment: AssessmentRecord | None,
                 today: date) -> dict[str, Any]:
    role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
    told = ("The reporter is told the outcome and your message." if triage.reveals_outcome(role) else
            "The reporter is a witness: they are told only your message, not the outcome.")
    intro = f"*Decide on {escape(report.ref)}*"
    if assessment is not None:
        intro += (f"\nAssessed risk {assessment.risk} × impact {assessment.impact}; suggested: "
                  f"{escape(triage.suggested_response(assessment.risk, assessment.impact))}")
    announce: dict[str, Any] = {"type": "conversations_select", "placeholder": plain_text("Choose a channel"),
                                "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if config.triage.announcement_channel:
        announce["initial_conversation"] = config.triage.announcement_channel
    subjects: dict[str, Any] = {"type": "multi_users_select", "placeholder": plain_text("Choose people")}
    # Only Slack ids: a report filed on Discourse names forum usernames, and one of those would stop the
    # whole modal from opening.
    slack_ids = [u for u in report.implicated if USER_ID.match(u)]
    if slack_ids:
        subjects["initial_users"] = slack_ids
    blocks = [
        section(intro),
        input_block("outcome", "Outcome", radio([(o.value, triage.OUTCOME_LABELS[o]) for o in triage.Outcome])),
        input_block("message", "Message to the reporter", text_input(), hint=told + " cocbot never names you."),
        header("For bans"),
        input_block("ban_subjects", "Who is banned", subjects, optional=True),
        input_block("ban_scope", "Which spaces", text_input(multiline=False, max_length=200,
                                                            placeholder="e.g. all spaces, or Slack and the calls"),
                    optional=True),
        input_block("ban_channels", "Channels it covers", {
            "type": "multi_conversations_select", "placeholder": plain_text("Choose channels"),
            "filter": {"include": ["public", "private"], "exclude_bot_users": True}}, optional=True,
            hint="cocbot alerts the committee (or removes them, if so configured) when a banned person is in one."),
        input_block("ban_everywhere", "Or everywhere", {"type": "checkboxes", "options": [
            option("workspace", "The whole Slack workspace"),
            *([option("forum", "The whole forum")] if config.discourse is not None else [])]}, optional=True),
        input_block("ban_until", "Ban ends on", {"type": "datepicker", "placeholder": plain_text("Choose a date")},
                    optional=True, hint="Leave empty for a permanent ban. “Take a week off” defaults to 7 days."),
        header("Public announcement (optional)"),
        section("For public outcomes only. Keep it general — no names or details that could identify anyone. It "
                "is posted only after a second committee member approves it. Leave the template unchanged for "
                "no announcement."),
        input_block("announcement", "Announcement", text_input(initial=template(config)), optional=True),
        input_block("announce_channel", "Post it in", announce, optional=True),
    ]
    return modal(DECIDE_CALLBACK, "Decide", blocks, submit="Record decision",
                 metadata={"ref": report.ref, "today": today.isoformat()})


def review_announcement_modal(decision: DecisionRecord, ref: str) -> dict[str, Any]:
    where = f"<#{decision.announce_channel}>" if decision.announce_channel else "the chosen channel"
    return modal(APPROVE_CALLBACK, "Review announcement", [
        section(f"*Announcement for {escape(ref)}*, drafted by another committee member. Check that it names "
                f"nobody and holds no detail that could identify anyone. Approving posts it in {where}."),
        *text_sections("", decision.announcement or "")[:90],
    ], submit="Approve and post", metadata={"decision": decision.id})


def message_modal(title: str, message: Message, note: str | None = None) -> dict[str, Any]:
    # A view holds twice a message's blocks and is read on purpose: the whole text, as far as it fits.
    blocks = render_blocks(message, max_blocks=VIEW_BLOCK_LIMIT - (1 if note else 0), text_budget=None)
    if note:
        blocks.insert(0, context(escape(note)))
    return modal("triage_read_only", title, blocks, metadata={})


def report_modal(ref: str, found: ReportView, config: CommunityConfig) -> dict[str, Any]:
    message = triage_texts.full_report(found.report, config, found.entries, found.assessment, found.decisions,
                                       found.addenda)
    return message_modal(f"Report {ref}", message, note="This view is recorded in the report's history.")


def history_modal(ref: str, entries: list[AuditEntry]) -> dict[str, Any]:
    message = Message(summary=f"History of {ref}", blocks=tuple(triage_texts.history_blocks(entries)))
    return message_modal(f"History {ref}", message)


def assess_warning_blocks(report: ReportRecord) -> list[dict[str, Any]]:
    """The committee's content warning for this report (the reporter's, if they gave one, to change)."""
    from cocbot.bot.i18n import english

    tr = english()
    element = text_input(multiline=False, max_length=300, placeholder=tr.gettext("e.g. sexual violence, self-harm"))
    if report.content_warning:
        element["initial_value"] = report.content_warning
    return [input_block("content_warning", tr.gettext("Content warning"), element, optional=True,
                        hint=tr.gettext("With one, the report's message shows only the warning and keeps the "
                                        "details behind View report."))]
