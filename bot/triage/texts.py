"""What triage tells people: the status on the committee's message, the posts in the report's thread, the
reporter's direct messages, the history and the announcement. Nothing here names a committee member to the
reporter, and nothing shown to the committee names an anonymous reporter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from cocbot.bot.reminders import deadlines
from cocbot.bot.triage import rules as triage
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Block, Button, Buttons, Facts, Heading, Message, Note, People, Text, UserText
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord, DecisionRecord, Entry

LEVEL = {"low": "Low", "high": "High"}
ROLE_LABELS = {"affected": "Affected by what happened", "witness": "A witness or bystander"}
UNSAFE_LABELS = {True: "Yes — act on safety first", False: "No"}


def _now(report: ReportRecord, now: datetime | None) -> datetime:
    return now or report.created_at


def _deadline(report: ReportRecord, config: CommunityConfig) -> triage.Deadline | None:
    """The deadline exactly as the reminders count it (working days, holidays, the committee's zone)."""
    found = deadlines.current_deadline(report.state, created_at=report.created_at,
                                       acknowledged_at=report.acknowledged_at, reopened_at=report.reopened_at,
                                       policy=config.policy, calendar=_calendar(config),
                                       event_mode=report.event_mode)
    return None if found is None else triage.Deadline(*found)


def _calendar(config: CommunityConfig) -> deadlines.WorkingCalendar:
    return deadlines.calendar_from_policy(config.policy)


def _describe(deadline: triage.Deadline, config: CommunityConfig, now: datetime) -> str:
    from cocbot.bot.reminders import deadlines

    when = deadlines.describe_deadline(deadline.at, _calendar(config))  # type: ignore[arg-type]
    if deadline.at < now:
        return f"{when} (overdue by {triage.describe_age(now - deadline.at)})"
    return f"{when} (in {triage.describe_age(deadline.at - now)})"


def state_label(state: str) -> str:
    try:
        return triage.STATE_LABELS[triage.State(state)]
    except ValueError:
        return state


def status_blocks(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                  outcome: str | None = None) -> list[Block]:
    at = _now(report, now)
    pairs = [("State", state_label(report.state)), ("Age", triage.describe_age(at - report.created_at))]
    deadline = _deadline(report, config)
    pairs.append((deadline.label, _describe(deadline, config, at)) if deadline
                 else ("Next deadline", "none"))
    if report.category:
        pairs.append(("Category", report.category))
    if outcome:
        pairs.append(("Decision", triage.OUTCOME_LABELS.get(triage.Outcome(outcome), outcome)))
    blocks: list[Block] = [Facts(tuple(pairs))]
    blocks.append(People("Owner", (report.owner,) if report.owner else (), empty="nobody yet — use Assign to me"))
    return blocks


def buttons(report: ReportRecord, config: CommunityConfig) -> Buttons:
    specs = triage.buttons_for(report.state, details_on_demand=config.triage.details_on_demand)
    return Buttons(tuple(Button(s.action, s.label, report.ref, s.style) for s in specs))


def whole_report(report: ReportRecord) -> Button:
    """Where a member reads everything when a platform had to shorten a message about the report."""
    return Button(triage.VIEW_BUTTON.action, "View the whole report", report.ref)


def summary_message(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                    outcome: str | None = None) -> Message:
    """Details on demand: nothing of the account is in the channel's history."""
    at = _now(report, now)
    pairs = [("Reference", report.ref), ("Category", report.category or "not assessed yet"),
             ("State", state_label(report.state))]
    deadline = _deadline(report, config)
    pairs.append((deadline.label, _describe(deadline, config, at)) if deadline
                 else ("Next deadline", "none"))
    if outcome:
        pairs.append(("Decision", triage.OUTCOME_LABELS.get(triage.Outcome(outcome), outcome)))
    blocks: list[Block] = [Heading(f"Code of Conduct report {report.ref}"), Facts(tuple(pairs)),
                           People("Owner", (report.owner,) if report.owner else (), empty="nobody yet")]
    if report.danger:
        blocks.append(Text("The reporter said someone may be in immediate danger: check on safety first.",
                           bold=True))
    blocks.append(Note("Details on demand: the report is not shown here. Press View report to read it; "
                       "every view is recorded in the report's history."))
    blocks.append(buttons(report, config))
    return Message(summary=f"Code of Conduct report {report.ref}", blocks=tuple(blocks),
                   carries_report_content=True)


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
        label = triage.AUDIT_LABELS.get(e.action, e.action)
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
    from cocbot.bot.reports import texts

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
