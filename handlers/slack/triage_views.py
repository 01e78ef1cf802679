"""Triage on Slack: the triage modals, and ephemeral refusals.

Ephemeral refusals go straight to the clicker (chat.postEphemeral): they say what was refused and why, and
never hold report content. Everything else reaches Slack through the outbox and the privacy gate.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.localized import localized
from cocbot.bot.i18n import N_, Translator, english
from cocbot.bot.messages import Message
from cocbot.bot.triage import rules as triage
from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.triage.results import (
    AssessmentRecord, DecisionRecord, Entry, ReportRecord, ReportView, Result, TrailPage,
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
    contact = localized(config.triage.contact, config.duty.language or config.community.language)
    return triage.announcement_draft(config.community.code_of_conduct_url, contact)


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


async def tell_result(client: AsyncWebClient, body: dict[str, Any], result: Result, tr: Translator) -> None:
    if not result.ok and result.message:
        await refuse(client, body, result.text(tr))


def settled(result: Result, done: str, field: str, tr: Translator) -> dict[str, Any]:
    """The answer to a form's submission (ack's arguments): the refusal beside `field`, or the outcome in the
    modal. `done` and the service's own words are English source texts, shown in `tr`'s language."""
    if not result.ok:
        return {"response_action": "errors", "errors": {field: result.error(field, tr)}}
    return {"response_action": "update", "view": text_modal(tr.gettext(done), result.text(tr))}


def field_errors(result: Result, tr: Translator) -> dict[str, str]:
    """A form's field errors from the service, in `tr`'s language."""
    return {name: result.error(name, tr) for name in result.errors}


async def open_modal(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any],
                     tr: Translator = english()) -> None:
    try:
        await client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("could not open a triage modal: %s", exc.response.get("error"))
        await refuse(client, body, tr.gettext("Sorry, the form could not open (Slack said: %(error)s). Please try "
                                              "the button again.") % {"error": exc.response.get("error")})


# ---- modals (committee modals in the committee's language, the reporter's reply in theirs) ----

def note_modal(ref: str, tr: Translator = english()) -> dict[str, Any]:
    return modal(NOTE_CALLBACK, tr.gettext("Add a private note"), [
        section(tr.gettext("A private committee note on %(ref)s. It is kept with the report and shown in its thread.")
                % {"ref": escape(ref)}),
        input_block("text", tr.gettext("Note"), text_input()),
    ], submit=tr.gettext("Add note"), metadata={"ref": ref}, close=tr.gettext("Cancel"))


def ask_modal(report: ReportRecord, tr: Translator = english()) -> dict[str, Any]:
    who = (tr.gettext("The reporter is anonymous: cocbot relays your question and their answer without anyone "
                      "learning who they are. Their answer appears in the report's thread.")
           if report.anonymity == "anonymous" else
           tr.gettext("cocbot sends it to the reporter in a direct message, without your name. Their answer appears "
                      "in the report's thread."))
    return modal(ASK_CALLBACK, tr.gettext("Ask the reporter"), [
        section(escape(who)),
        input_block("text", tr.gettext("Your question"),
                    text_input(placeholder=tr.gettext("e.g. Did anyone else see this happen?"))),
    ], submit=tr.gettext("Send question"), metadata={"ref": report.ref}, close=tr.gettext("Cancel"))


def reply_modal(question: Entry, ref: str, tr: Translator = english()) -> dict[str, Any]:
    head = "*" + tr.gettext("The committee asked about your report %(ref)s:") % {"ref": escape(ref)} + "*\n"
    return modal(REPLY_CALLBACK, tr.gettext("Reply to the committee"), [
        *text_sections(head, question.text)[:90],
        input_block("text", tr.gettext("Your answer"), text_input()),
    ], submit=tr.gettext("Send"), metadata={"question": question.id, "lang": tr.locale, "ref": ref},
        close=tr.gettext("Cancel"))


def reassign_modal(ref: str, tr: Translator = english()) -> dict[str, Any]:
    return modal(REASSIGN_CALLBACK, tr.gettext("Reassign"), [
        section(tr.gettext("Who should own %(ref)s? Only committee members who may see it can own it.")
                % {"ref": escape(ref)}),
        input_block("assignee", tr.gettext("Owner"),
                    {"type": "users_select", "placeholder": plain_text(tr.gettext("Choose a committee member"))}),
    ], submit=tr.gettext("Assign"), metadata={"ref": ref}, close=tr.gettext("Cancel"))


def recuse_modal(ref: str, tr: Translator = english()) -> dict[str, Any]:
    return modal(RECUSE_CALLBACK, tr.gettext("Declare a conflict"), [
        section("*" + tr.gettext("Do you have a conflict of interest with %(ref)s?") % {"ref": escape(ref)} + "*\n"
                + tr.gettext("You will no longer be able to read or act on it and will get no reminders about it. "
                             "cocbot moves the case to a new private space with the remaining eligible members and "
                             "replaces its messages here with “moved — conflict declared”. Your recusal is recorded "
                             "in the report's history.")),
    ], submit=tr.gettext("Step back"), metadata={"ref": ref}, close=tr.gettext("Cancel"))


_MATRIX_LINES = {
    ("low", "low"): N_("Low risk × low impact → *%(response)s* _(%(example)s)_"),
    ("high", "low"): N_("High risk × low impact → *%(response)s* _(%(example)s)_"),
    ("low", "high"): N_("Low risk × high impact → *%(response)s* _(%(example)s)_"),
    ("high", "high"): N_("High risk × high impact → *%(response)s* _(%(example)s)_"),
}
_ASSESSED = {
    ("low", "low"): N_("risk low × impact low"),
    ("high", "low"): N_("risk high × impact low"),
    ("low", "high"): N_("risk low × impact high"),
    ("high", "high"): N_("risk high × impact high"),
}


def _assessed(risk: str, impact: str, tr: Translator) -> str:
    return tr.gettext(_ASSESSED[(risk, impact)]) if (risk, impact) in _ASSESSED else f"{risk} × {impact}"


def assess_modal(report: ReportRecord, config: CommunityConfig, previous: AssessmentRecord | None,
                 tr: Translator = english()) -> dict[str, Any]:
    role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
    matrix = "\n".join(
        "• " + tr.gettext(_MATRIX_LINES[(risk.value, impact.value)])
        % {"response": escape(tr.gettext(resp)), "example": escape(tr.gettext(triage.EXAMPLES[(risk, impact)]))}
        for (risk, impact), resp in triage.SUGGESTED_RESPONSES.items())
    blocks: list[dict[str, Any]] = [
        section("*" + tr.gettext("Assess %(ref)s: risk of further harm × impact") % {"ref": escape(report.ref)}
                + "*\n" + matrix),
    ]
    if previous is not None:
        blocks.append(context(escape(
            tr.gettext("Current assessment: %(assessed)s → %(response)s")
            % {"assessed": _assessed(previous.risk, previous.impact, tr),
               "response": tr.gettext(triage.suggested_response(previous.risk, previous.impact))})))
    levels = [("low", tr.gettext("Low")), ("high", tr.gettext("High"))]
    yes, no = tr.gettext("Yes"), tr.gettext("No")
    category_options = [option(c, c) for c in config.triage.categories]
    category: dict[str, Any] = {"type": "static_select", "placeholder": plain_text(tr.gettext("Choose a category")),
                                "options": category_options}
    current_category = previous.category if previous else report.category
    if current_category in config.triage.categories:
        category["initial_option"] = category_options[config.triage.categories.index(current_category)]
    blocks += [
        input_block("risk", tr.gettext("Risk of further harm"), radio(levels, previous.risk if previous else None)),
        input_block("impact", tr.gettext("Impact"), radio(levels, previous.impact if previous else None)),
        input_block("ongoing", tr.gettext("Is it still going on?"),
                    radio([("yes", yes), ("no", no), ("unsure", tr.gettext("Not sure"))],
                          previous.ongoing if previous else report.ongoing)),
        input_block("unsafe", tr.gettext("Is anyone unsafe right now?"), radio(
            [("no", no), ("yes", tr.gettext("Yes — protect everyone involved first"))],
            ("yes" if previous.unsafe else "no") if previous else ("yes" if report.danger else None))),
        input_block("category", tr.gettext("Code of Conduct category"), category),
        input_block("reporter_role", tr.gettext("The reporter was"), radio(
            [("affected", tr.gettext("Affected by what happened")),
             ("witness", tr.gettext("A witness or bystander"))], role),
            hint=tr.gettext("Witnesses are generally not told the outcome, for confidentiality.")),
    ]
    blocks += assess_warning_blocks(report, tr)
    return modal(ASSESS_CALLBACK, tr.gettext("Assess risk × impact"), blocks, submit=tr.gettext("Save"),
                 metadata={"ref": report.ref}, close=tr.gettext("Cancel"))


def decide_modal(report: ReportRecord, config: CommunityConfig, assessment: AssessmentRecord | None,
                 today: date, tr: Translator = english()) -> dict[str, Any]:
    role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
    told = (tr.gettext("The reporter is told the outcome and your message. cocbot never names you.")
            if triage.reveals_outcome(role) else
            tr.gettext("The reporter is a witness: they are told only your message, not the outcome. cocbot never "
                       "names you."))
    intro = "*" + tr.gettext("Decide on %(ref)s") % {"ref": escape(report.ref)} + "*"
    if assessment is not None:
        intro += "\n" + tr.gettext("Assessed %(assessed)s; suggested: %(response)s") % {
            "assessed": _assessed(assessment.risk, assessment.impact, tr),
            "response": escape(tr.gettext(triage.suggested_response(assessment.risk, assessment.impact)))}
    announce: dict[str, Any] = {"type": "conversations_select",
                                "placeholder": plain_text(tr.gettext("Choose a channel")),
                                "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if config.triage.announcement_channel:
        announce["initial_conversation"] = config.triage.announcement_channel
    subjects: dict[str, Any] = {"type": "multi_users_select", "placeholder": plain_text(tr.gettext("Choose people"))}
    # Only Slack ids: a report filed on Discourse names forum usernames, and one of those would stop the
    # whole modal from opening.
    slack_ids = [u for u in report.implicated if USER_ID.match(u)]
    if slack_ids:
        subjects["initial_users"] = slack_ids
    blocks = [
        section(intro),
        input_block("outcome", tr.gettext("Outcome"),
                    radio([(o.value, tr.gettext(triage.OUTCOME_LABELS[o])) for o in triage.Outcome])),
        input_block("message", tr.gettext("Message to the reporter"), text_input(), hint=told),
        header(tr.gettext("For bans")),
        input_block("ban_subjects", tr.gettext("Who is banned"), subjects, optional=True),
        input_block("ban_scope", tr.gettext("Which spaces"), text_input(
            multiline=False, max_length=200, placeholder=tr.gettext("e.g. all spaces, or Slack and the calls")),
            optional=True),
        input_block("ban_channels", tr.gettext("Channels it covers"), {
            "type": "multi_conversations_select", "placeholder": plain_text(tr.gettext("Choose channels")),
            "filter": {"include": ["public", "private"], "exclude_bot_users": True}}, optional=True,
            hint=tr.gettext("cocbot alerts the committee (or removes them, if so configured) when a banned person "
                            "is in one.")),
        input_block("ban_everywhere", tr.gettext("Or everywhere"), {"type": "checkboxes", "options": [
            option("workspace", tr.gettext("The whole Slack workspace")),
            *([option("forum", tr.gettext("The whole forum"))] if config.discourse is not None else [])]},
            optional=True),
        input_block("ban_until", tr.gettext("Ban ends on"),
                    {"type": "datepicker", "placeholder": plain_text(tr.gettext("Choose a date"))},
                    optional=True, hint=tr.gettext("Leave empty for a permanent ban. “Take a week off” defaults to "
                                                   "7 days.")),
        header(tr.gettext("Public announcement (optional)")),
        section(tr.gettext("For public outcomes only. Keep it general — no names or details that could identify "
                           "anyone. It is posted only after a second committee member approves it. Leave the "
                           "template unchanged for no announcement.")),
        input_block("announcement", tr.gettext("Announcement"), text_input(initial=template(config)), optional=True),
        input_block("announce_channel", tr.gettext("Post it in"), announce, optional=True),
    ]
    return modal(DECIDE_CALLBACK, tr.gettext("Decide"), blocks, submit=tr.gettext("Record decision"),
                 metadata={"ref": report.ref, "today": today.isoformat()}, close=tr.gettext("Cancel"))


def review_announcement_modal(decision: DecisionRecord, ref: str, tr: Translator = english()) -> dict[str, Any]:
    where = f"<#{decision.announce_channel}>" if decision.announce_channel else tr.gettext("the chosen channel")
    return modal(APPROVE_CALLBACK, tr.gettext("Review announcement"), [
        section(tr.gettext("*Announcement for %(ref)s*, drafted by another committee member. Check that it names "
                           "nobody and holds no detail that could identify anyone. Approving posts it in %(where)s.")
                % {"ref": escape(ref), "where": where}),
        *text_sections("", decision.announcement or "")[:90],
    ], submit=tr.gettext("Approve and post"), metadata={"decision": decision.id}, close=tr.gettext("Cancel"))


def message_modal(title: str, message: Message, note: str | None = None,
                  tr: Translator = english()) -> dict[str, Any]:
    # A view holds twice a message's blocks and is read on purpose: the whole text, as far as it fits.
    blocks = render_blocks(message, max_blocks=VIEW_BLOCK_LIMIT - (1 if note else 0), text_budget=None)
    if note:
        blocks.insert(0, context(escape(note)))
    return modal("triage_read_only", title, blocks, metadata={}, close=tr.gettext("Close"))


def report_modal(ref: str, found: ReportView, config: CommunityConfig,
                 tr: Translator = english()) -> dict[str, Any]:
    message = triage_texts.full_report(found.report, config, found.entries, found.assessment, found.decisions,
                                       found.addenda, tr)
    return message_modal(tr.gettext("Report %(ref)s") % {"ref": ref}, message,
                         note=tr.gettext("This view is recorded in the report's history."), tr=tr)


# Entries on one page of the History view: one block each, plus the position and the Older/Newer buttons,
# well within a view's 100 blocks whatever the language.
HISTORY_PAGE = 40


def history_modal(ref: str, page: TrailPage, tr: Translator = english()) -> dict[str, Any]:
    return message_modal(tr.gettext("History %(ref)s") % {"ref": ref}, triage_texts.history_page(ref, page, tr),
                         tr=tr)


async def update_modal(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Replace the modal a button was clicked in (a page of History), unless it changed since."""
    opened = body.get("view") or {}
    try:
        await client.views_update(view_id=opened.get("id"), hash=opened.get("hash"), view=view)
    except SlackApiError as exc:
        log.info("could not update a triage modal: %s", exc.response.get("error"))


def assess_warning_blocks(report: ReportRecord, tr: Translator | None = None) -> list[dict[str, Any]]:
    """The committee's content warning for this report (the reporter's, if they gave one, to change)."""
    tr = tr or english()
    element = text_input(multiline=False, max_length=300, placeholder=tr.gettext("e.g. sexual violence, self-harm"))
    if report.content_warning:
        element["initial_value"] = report.content_warning
    return [input_block("content_warning", tr.gettext("Content warning"), element, optional=True,
                        hint=tr.gettext("With one, the report's message shows only the warning and keeps the "
                                        "details behind View report."))]
