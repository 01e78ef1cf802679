"""What triage tells people: the status on the committee's message, the posts in the report's thread, the
reporter's direct messages, the history and the announcement. Nothing here names a committee member to the
reporter, and nothing shown to the committee names an anonymous reporter.
"""

from __future__ import annotations

from datetime import datetime
from collections.abc import Sequence

from cocbot.bot.audit import texts as audit_texts
from cocbot.bot.i18n import english
from cocbot.bot.reports import texts
from cocbot.bot.reports.texts import whole_report
from cocbot.bot.triage import rules as triage
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Block, Button, Buttons, Facts, Heading, Message, Note, People, Text, UserText
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord, DecisionRecord, Entry

LEVEL = {"low": "Low", "high": "High"}
ROLE_LABELS = {"affected": "Affected by what happened", "witness": "A witness or bystander"}
UNSAFE_LABELS = {True: "Yes — act on safety first", False: "No"}


def moved_message(ref: str) -> Message:
    """What replaces the case's messages in a space it left: no content at all."""
    return Message(summary=f"{ref} moved — conflict declared",
                   blocks=(Text(f"{ref} moved — conflict declared.", bold=True),
                           Note("A committee member declared a conflict of interest, so the case continues in a "
                                "new private space with the remaining eligible members.")))


# ---- thread posts in the report's space ----

def _hidden(report: ReportRecord, what: str) -> Message:
    return Message(summary=f"{what} on {report.ref}",
                   blocks=(Text(f"{what} on {report.ref}.", bold=True),
                           Note("Details on demand: press View report on the report's message to read it.")),
                   carries_report_content=True)


def note_post(report: ReportRecord, entry: Entry, config: CommunityConfig) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, "A private note was added")
    return Message(summary=f"Private note on {report.ref}",
                   blocks=(People("Private committee note by", (entry.author or "",)), UserText("", entry.text)),
                   carries_report_content=True, more=whole_report(report))


def question_post(report: ReportRecord, entry: Entry, config: CommunityConfig) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, "The committee asked the reporter a question")
    return Message(summary=f"Question to the reporter of {report.ref}",
                   blocks=(People("Question sent to the reporter by", (entry.author or "",)),
                           UserText("", entry.text),
                           Note("cocbot relayed it in a direct message without naming you. The answer will "
                                "appear in this thread.")),
                   carries_report_content=True, more=whole_report(report))


def answer_post(report: ReportRecord, entry: Entry, question: Entry | None, config: CommunityConfig) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, "The reporter answered a question")
    who = "The reporter (anonymous)" if report.anonymity == "anonymous" else "The reporter"
    blocks: list[Block] = [Text(f"{who} answered:", bold=True), UserText("", entry.text)]
    if question is not None:
        blocks.append(UserText("In reply to", question.text, quote=True))
    return Message(summary=f"The reporter of {report.ref} answered", blocks=tuple(blocks),
                   carries_report_content=True, more=whole_report(report))


def assessment_post(report: ReportRecord, a: AssessmentRecord) -> Message:
    # Risk, impact and category are triage facts, not the account: shown even with details on demand.
    suggestion = triage.suggested_response(a.risk, a.impact)
    return Message(summary=f"{report.ref} assessed", blocks=(
        People("Assessed by", (a.actor,)),
        Facts((("Risk", LEVEL[a.risk]), ("Impact", LEVEL[a.impact]),
               ("Still going on", {"yes": "Yes", "no": "No"}.get(a.ongoing, "Not sure")),
               ("Anyone unsafe", UNSAFE_LABELS[a.unsafe]), ("Category", a.category),
               ("Reporter", ROLE_LABELS.get(a.reporter_role, a.reporter_role)))),
        Text(f"Suggested response (risk × impact): {suggestion}", bold=True),
        Note("Make a decision for “right now”; decide longer-term actions later."
             + (" Someone is unsafe: protect everyone involved first." if a.unsafe else "")),
    ), carries_report_content=True)


def decision_post(report: ReportRecord, d: DecisionRecord, bans: Sequence[BanRecord], role: str,
                  config: CommunityConfig) -> Message:
    label = triage.OUTCOME_LABELS[triage.Outcome(d.outcome)]
    blocks: list[Block] = [People("Decision recorded by", (d.actor,)), Facts((("Outcome", label),))]
    for ban in bans:
        until = ban.ends_at.strftime("%Y-%m-%d") if ban.ends_at else "permanent"
        blocks.append(Facts((("Ban ends", until), ("Scope", ban.scope))))
        if not config.triage.details_on_demand:
            blocks.append(People("Banned", ban.subjects))
    if not config.triage.details_on_demand:
        told = "the outcome and this message" if triage.reveals_outcome(role) else (
            "only this message (witnesses are not told the outcome)")
        blocks.append(UserText(f"Sent to the reporter with {told}", d.message))
    if d.announcement_state == "pending":
        blocks.append(Text("A public announcement was drafted. It is posted only after a second committee "
                           "member reviews and approves it.", bold=True))
        blocks.append(Buttons((Button("triage_review_announcement", "Review announcement", str(d.id), "primary"),)))
    return Message(summary=f"Decision recorded on {report.ref}", blocks=tuple(blocks), carries_report_content=True,
                   more=whole_report(report))


def announcement_approved_post(report: ReportRecord, d: DecisionRecord) -> Message:
    return Message(summary=f"Announcement for {report.ref} approved", blocks=(
        People("Public announcement approved by", (d.approved_by or "",)),
        Note("cocbot posts it in the announcement channel now."),
    ), carries_report_content=True)


def announcement(text: str) -> Message:
    """The public announcement: committee-written, general wording, approved by a second member."""
    return Message(summary="A message from the Code of Conduct committee",
                   blocks=(Heading("A message from the Code of Conduct committee"), UserText("", text)))


def acknowledged_post(report: ReportRecord, actor: str) -> Message:
    return Message(summary=f"{report.ref} acknowledged", blocks=(
        People(f"{report.ref} acknowledged by", (actor,)),
        Note("The reporter was told the committee acknowledged their report, without any names."),
    ), carries_report_content=True)


def history_blocks(entries: Sequence[AuditEntry], limit: int = 40) -> list[Block]:
    """One line per action: when, what, and who (as a mention). The newest `limit` when there are more."""
    if not entries:
        return [Note("No actions yet.")]
    blocks: list[Block] = []
    if len(entries) > limit:
        blocks.append(Note(f"{len(entries) - limit} earlier entries are not shown here."))
        entries = entries[-limit:]
    for e in entries:
        label = triage.AUDIT_LABELS.get(e.action) or audit_texts.action_label(english(), e.action) or e.action
        detail = e.detail.get("summary")
        when = e.at.strftime("%Y-%m-%d %H:%M UTC")
        text = f"{when} — {label}" + (f" ({detail})" if detail else "")
        blocks.append(People(text, (e.actor,) if e.actor else (), empty="cocbot"))
    return blocks


def history_post(report: ReportRecord, entries: Sequence[AuditEntry], notes: Sequence[Entry],
                 config: CommunityConfig) -> Message:
    """The history reposted with a case that moved: the audit trail, and the notes unless on demand."""
    blocks: list[Block] = [Text(f"History of {report.ref} before it moved here", bold=True)]
    blocks += history_blocks(entries)
    if not config.triage.details_on_demand:
        for n in notes:
            label = {"note": "Note", "question": "Question to the reporter", "answer": "The reporter's answer"}
            blocks.append(UserText(f"{label.get(n.kind, n.kind)} · {n.at.strftime('%Y-%m-%d %H:%M UTC')}", n.text))
    return Message(summary=f"History of {report.ref}", blocks=tuple(blocks), carries_report_content=True,
                   more=whole_report(report))


# ---- direct messages to the reporter ----

def reporter_acknowledged(report: ReportRecord, config: CommunityConfig) -> Message:
    days = config.policy.respond_within_days
    return Message(summary=f"Your report {report.ref} was acknowledged", blocks=(
        Text(f"Your report {report.ref} was acknowledged by the committee.", bold=True),
        Text(f"They will get back to you within {days:g} days of acknowledging it, with a resolution or an "
             "explanation of where things stand."),
    ))


def reporter_question(report: ReportRecord, entry: Entry) -> Message:
    return Message(summary=f"The committee has a question about your report {report.ref}", blocks=(
        Text(f"The committee has a question about your report {report.ref}:", bold=True),
        UserText("", entry.text),
        Note("You can answer with the Reply button, or not at all. "
             + ("Your answer stays anonymous: the committee is not shown who you are."
                if report.anonymity == "anonymous" else "Only the committee sees your answer.")),
        Buttons((Button("triage_reply", "Reply", str(entry.id), "primary"),)),
    ))


def reporter_decided(report: ReportRecord, d: DecisionRecord, role: str, config: CommunityConfig) -> Message:
    blocks: list[Block] = [Text(f"An update on your report {report.ref}", bold=True)]
    if triage.reveals_outcome(role):
        outcome = triage.Outcome(d.outcome)
        blocks.append(Facts((("Outcome", triage.OUTCOME_LABELS[outcome]),)))
        blocks.append(Text(triage.OUTCOME_FOR_REPORTER[outcome]))
    else:
        blocks.append(Text("The committee has reviewed your report and is taking the action it considers "
                           "appropriate. For confidentiality, people who report what they witnessed are "
                           "generally not told the details of the outcome."))
    blocks.append(UserText("Message from the committee", d.message))
    blocks.append(Note("Thank you for reporting. You can use Add information on your first message from cocbot "
                       "if something changes."))
    return Message(summary=f"An update on your report {report.ref}", blocks=tuple(blocks))


def reporter_closed(report: ReportRecord) -> Message:
    return Message(summary=f"Your report {report.ref} is closed", blocks=(
        Text(f"Your report {report.ref} is now closed.", bold=True),
        Text("If anything else happens, or you remember more, you can still add information or file a new "
             "report with /report."),
    ))


def reporter_reopened(report: ReportRecord) -> Message:
    return Message(summary=f"Your report {report.ref} was reopened", blocks=(
        Text(f"The committee reopened your report {report.ref} and is looking at it again.", bold=True),
    ))


# ---- the "View report" modal content ----

def full_report(report: ReportRecord, config: CommunityConfig, notes: Sequence[Entry],
                assessment: AssessmentRecord | None, decisions: Sequence[DecisionRecord],
                addenda: Sequence[tuple[datetime, str]] = ()) -> Message:
    base = texts.committee_report(report, config, full=True)
    blocks: list[Block] = list(base.blocks)
    for when, text in addenda:
        blocks.append(UserText(f"Added by the reporter · {when.strftime('%Y-%m-%d %H:%M UTC')}", text))
    if assessment is not None:
        blocks.append(Facts((("Risk", LEVEL[assessment.risk]), ("Impact", LEVEL[assessment.impact]),
                             ("Suggested", triage.suggested_response(assessment.risk, assessment.impact)))))
    for d in decisions:
        blocks.append(Facts((("Decision", triage.OUTCOME_LABELS[triage.Outcome(d.outcome)]),)))
        blocks.append(UserText("Message sent to the reporter", d.message))
    labels = {"note": "Note", "question": "Question to the reporter", "answer": "The reporter's answer"}
    for n in notes:
        blocks.append(UserText(f"{labels.get(n.kind, n.kind)} · {n.at.strftime('%Y-%m-%d %H:%M UTC')}", n.text))
    return Message(summary=f"Report {report.ref}", blocks=tuple(blocks), carries_report_content=True)
