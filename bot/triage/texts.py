"""What triage tells people: the status on the committee's message, the posts in the report's thread, the
reporter's direct messages, the history and the announcement. Nothing here names a committee member to the
reporter, and nothing shown to the committee names an anonymous reporter.

Committee posts are written in the committee's language, the reporter's messages in the reporter's: each
function takes the reader's Translator (`tr`).
"""

from __future__ import annotations

import json
from datetime import datetime
from collections.abc import Callable, Mapping, Sequence

from cocbot.bot.audit import texts as audit_texts
from cocbot.bot.bans.texts import places as place_blocks
from cocbot.bot.i18n import N_, Translator, english
from cocbot.bot.i18n.formatting import day
from cocbot.bot.reports import texts
from cocbot.bot.reports.texts import behind_warning, days, whole_report
from cocbot.bot.triage import rules as triage
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import (
    Block, Button, Buttons, Facts, Heading, LocalTime, Message, Note, People, Text, UserText,
)
from cocbot.storage.audit import TrailPage
from cocbot.storage.bans import Places
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord, DecisionRecord, Entry

LEVEL = {"low": N_("Low"), "high": N_("High")}
ROLE_LABELS = {"affected": N_("Affected by what happened"), "witness": N_("A witness or bystander")}
UNSAFE_LABELS = {True: N_("Yes — act on safety first"), False: N_("No")}
ENTRY_LABELS = {"note": N_("Note"), "question": N_("Question to the reporter"), "answer": N_("The reporter's answer")}
STAMP = "%Y-%m-%d %H:%M UTC"


def moved_message(ref: str, tr: Translator = english()) -> Message:
    """What replaces the case's messages in a space it left: no content at all."""
    return Message(summary=tr.gettext("%(ref)s moved — conflict declared") % {"ref": ref},
                   blocks=(Text(tr.gettext("%(ref)s moved — conflict declared.") % {"ref": ref}, bold=True),
                           Note(tr.gettext("A committee member declared a conflict of interest, so the case "
                                           "continues in a new private space with the remaining eligible "
                                           "members."))),
                   locale=tr.locale)


# ---- thread posts in the report's space ----

def _hidden(report: ReportRecord, what: str, tr: Translator) -> Message:
    """`what`: a whole sentence with %(ref)s."""
    line = what % {"ref": report.ref}
    return Message(summary=line.rstrip("."),
                   blocks=(Text(line, bold=True),
                           Note(tr.gettext("Details on demand: press View report on the report's message to read "
                                           "it."))),
                   carries_report_content=True, locale=tr.locale)


def _written(entry: Entry, tr: Translator) -> list[Block]:
    """When, for a post whose text is behind a content warning (the post itself may come later)."""
    return [LocalTime(tr.gettext("When"), entry.at)]


def note_post(report: ReportRecord, entry: Entry, config: CommunityConfig, tr: Translator = english()) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, tr.gettext("A private note was added on %(ref)s."), tr)
    blocks: list[Block] = [People(tr.gettext("Private committee note by"), (entry.author or "",))]
    if report.content_warning:
        blocks += _written(entry, tr)
    blocks += behind_warning(report, (UserText("", entry.text),), tr)
    return Message(summary=tr.gettext("Private note on %(ref)s") % {"ref": report.ref}, blocks=tuple(blocks),
                   carries_report_content=True, more=whole_report(report, tr), locale=tr.locale)


def question_post(report: ReportRecord, entry: Entry, config: CommunityConfig, tr: Translator = english()) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, tr.gettext("The committee asked the reporter a question on %(ref)s."), tr)
    blocks: list[Block] = [People(tr.gettext("Question sent to the reporter by"), (entry.author or "",))]
    if report.content_warning:
        blocks += _written(entry, tr)
    blocks += behind_warning(report, (UserText("", entry.text),), tr)
    blocks.append(Note(tr.gettext("cocbot relayed it in a direct message without naming you. The answer will "
                                  "appear in this thread.")))
    return Message(summary=tr.gettext("Question to the reporter of %(ref)s") % {"ref": report.ref},
                   blocks=tuple(blocks), carries_report_content=True, more=whole_report(report, tr),
                   locale=tr.locale)


def answer_post(report: ReportRecord, entry: Entry, question: Entry | None, config: CommunityConfig,
                tr: Translator = english()) -> Message:
    if config.triage.details_on_demand:
        return _hidden(report, tr.gettext("The reporter answered a question on %(ref)s."), tr)
    who = (tr.gettext("The reporter (anonymous) answered:") if report.anonymity == "anonymous"
           else tr.gettext("The reporter answered:"))
    said: list[Block] = [UserText("", entry.text)]
    if question is not None:
        said.append(UserText(tr.gettext("In reply to"), question.text, quote=True))
    blocks: list[Block] = [Text(who, bold=True)]
    if report.content_warning:
        blocks += _written(entry, tr)
    blocks += behind_warning(report, said, tr)
    return Message(summary=tr.gettext("The reporter of %(ref)s answered") % {"ref": report.ref},
                   blocks=tuple(blocks), carries_report_content=True, more=whole_report(report, tr),
                   locale=tr.locale)


def assessment_post(report: ReportRecord, a: AssessmentRecord, tr: Translator = english()) -> Message:
    # Risk, impact and category are triage facts, not the account: shown even with details on demand.
    suggestion = tr.gettext(triage.suggested_response(a.risk, a.impact))
    ongoing = {"yes": N_("Yes"), "no": N_("No")}.get(a.ongoing or "", N_("Not sure"))
    note = (tr.gettext("Make a decision for “right now”; decide longer-term actions later. Someone is unsafe: "
                       "protect everyone involved first.") if a.unsafe else
            tr.gettext("Make a decision for “right now”; decide longer-term actions later."))
    return Message(summary=tr.gettext("%(ref)s assessed") % {"ref": report.ref}, blocks=(
        People(tr.gettext("Assessed by"), (a.actor,)),
        Facts(((tr.gettext("Risk"), tr.gettext(LEVEL[a.risk])), (tr.gettext("Impact"), tr.gettext(LEVEL[a.impact])),
               (tr.gettext("Still going on"), tr.gettext(ongoing)),
               (tr.gettext("Anyone unsafe"), tr.gettext(UNSAFE_LABELS[a.unsafe])),
               (tr.gettext("Category"), a.category),
               (tr.gettext("Reporter"), tr.gettext(ROLE_LABELS[a.reporter_role]) if a.reporter_role in ROLE_LABELS
                else a.reporter_role))),
        Text(tr.gettext("Suggested response (risk × impact): %(suggestion)s") % {"suggestion": suggestion},
             bold=True),
        Note(note),
    ), carries_report_content=True, locale=tr.locale)


def _outcome_label(outcome: str, tr: Translator) -> str:
    return tr.gettext(triage.OUTCOME_LABELS[triage.Outcome(outcome)])


def decision_post(report: ReportRecord, d: DecisionRecord, bans: Sequence[BanRecord], role: str,
                  config: CommunityConfig, tr: Translator = english(),
                  places: Mapping[int, Places] | None = None) -> Message:
    """`places`: where each ban (by id) is enforced, listed under its end and its free-text scope."""
    blocks: list[Block] = [People(tr.gettext("Decision recorded by"), (d.actor,)),
                           Facts(((tr.gettext("Outcome"), _outcome_label(d.outcome, tr)),))]
    for ban in bans:
        until = day(ban.ends_at, tr) if ban.ends_at else tr.gettext("permanent")
        blocks.append(Facts(((tr.gettext("Ban ends"), until), (tr.gettext("Scope"), ban.scope))))
        if places and ban.id in places:
            blocks.extend(place_blocks(tr, places[ban.id]))
        if not config.triage.details_on_demand:
            blocks.append(People(tr.gettext("Banned"), ban.subjects))
    if not config.triage.details_on_demand:
        told = (tr.gettext("Sent to the reporter with the outcome and this message") if triage.reveals_outcome(role)
                else tr.gettext("Sent to the reporter with only this message (witnesses are not told the outcome)"))
        blocks += behind_warning(report, (UserText(told, d.message),), tr)
    if d.announcement_state == "pending":
        blocks.append(Text(tr.gettext("A public announcement was drafted. It is posted only after a second "
                                      "committee member reviews and approves it."), bold=True))
        blocks.append(Buttons((Button("triage_review_announcement", tr.gettext("Review announcement"), str(d.id),
                                      "primary"),)))
    return Message(summary=tr.gettext("Decision recorded on %(ref)s") % {"ref": report.ref}, blocks=tuple(blocks),
                   carries_report_content=True, more=whole_report(report, tr), locale=tr.locale)


def announcement_approved_post(report: ReportRecord, d: DecisionRecord, tr: Translator = english()) -> Message:
    return Message(summary=tr.gettext("Announcement for %(ref)s approved") % {"ref": report.ref}, blocks=(
        People(tr.gettext("Public announcement approved by"), (d.approved_by or "",)),
        Note(tr.gettext("cocbot posts it in the announcement channel now.")),
    ), carries_report_content=True, locale=tr.locale)


def announcement(text: str, tr: Translator = english()) -> Message:
    """The public announcement: committee-written, general wording, approved by a second member."""
    title = tr.gettext("A message from the Code of Conduct committee")
    return Message(summary=title, blocks=(Heading(title), UserText("", text)), locale=tr.locale)


def acknowledged_post(report: ReportRecord, actor: str, tr: Translator = english()) -> Message:
    return Message(summary=tr.gettext("%(ref)s acknowledged") % {"ref": report.ref}, blocks=(
        People(tr.gettext("%(ref)s acknowledged by") % {"ref": report.ref}, (actor,)),
        Note(tr.gettext("The reporter was told the committee acknowledged their report, without any names.")),
    ), carries_report_content=True, locale=tr.locale)


def history_blocks(entries: Sequence[AuditEntry], limit: int = 40, tr: Translator = english()) -> list[Block]:
    """One line per action: when, what, and who (as a mention). The newest `limit` when there are more."""
    if not entries:
        return [Note(tr.gettext("No actions yet."))]
    blocks: list[Block] = []
    if len(entries) > limit:
        hidden = len(entries) - limit
        blocks.append(Note(tr.ngettext("%(n)d earlier entry is not shown here.",
                                       "%(n)d earlier entries are not shown here.", hidden) % {"n": hidden}))
        entries = entries[-limit:]
    blocks += [history_line(e, tr) for e in entries]
    return blocks


def _what(e: AuditEntry, tr: Translator) -> str:
    label = (tr.gettext(triage.AUDIT_LABELS[e.action]) if e.action in triage.AUDIT_LABELS
             else audit_texts.action_label(tr, e.action) or e.action)
    detail = e.detail.get("summary")
    return f"{e.at.strftime(STAMP)} — {label}" + (f" ({detail})" if detail else "")


def history_line(e: AuditEntry, tr: Translator = english()) -> People:
    return People(_what(e, tr), (e.actor,) if e.actor else (), empty="cocbot")


def history_text(ref: str, page: TrailPage, name: Callable[[str], str], tr: Translator = english()) -> str:
    """The whole trail as lines of text, newest first (the forum's `history`); `name` names an actor there."""
    if not page.entries:
        return tr.gettext("No actions yet.")
    head = tr.ngettext("History of %(ref)s: %(n)d entry, newest first.",
                       "History of %(ref)s: %(n)d entries, newest first.", len(page.entries)) % {
        "ref": ref, "n": len(page.entries)}
    return "\n".join([head, *(f"{_what(e, tr)} — {name(e.actor) if e.actor else 'cocbot'}" for e in page.entries)])


def history_page(ref: str, page: TrailPage, tr: Translator = english(), *,
                 channel: str | None = None) -> Message:
    """One page of the History view, newest first, with Older/Newer buttons keyed by the entries shown."""
    if not page.entries:
        return Message(summary=tr.gettext("History of %(ref)s") % {"ref": ref},
                       blocks=(Note(tr.gettext("No actions yet.")),), locale=tr.locale)
    first, last = page.newer + 1, page.newer + len(page.entries)
    blocks: list[Block] = [Note(tr.gettext("Entries %(first)d–%(last)d of %(total)d, newest first.")
                                % {"first": first, "last": last, "total": page.total})]
    blocks += [history_line(e, tr) for e in page.entries]
    where = {"ref": ref, "channel": channel}
    buttons = []
    if page.has_newer:
        buttons.append(Button("triage_history_newer", tr.gettext("Newer"),
                               json.dumps({**where, "after": page.entries[0].id}, separators=(",", ":"))))
    if page.has_older:
        buttons.append(Button("triage_history_older", tr.gettext("Older"),
                              json.dumps({**where, "before": page.entries[-1].id}, separators=(",", ":"))))
    if buttons:
        blocks.append(Buttons(tuple(buttons)))
    return Message(summary=tr.gettext("History of %(ref)s") % {"ref": ref}, blocks=tuple(blocks), locale=tr.locale)


def _entry_label(n: Entry, tr: Translator) -> str:
    label = tr.gettext(ENTRY_LABELS[n.kind]) if n.kind in ENTRY_LABELS else n.kind
    return f"{label} · {n.at.strftime(STAMP)}"


def history_post(report: ReportRecord, entries: Sequence[AuditEntry], notes: Sequence[Entry],
                 config: CommunityConfig, tr: Translator = english()) -> Message:
    """The history reposted with a case that moved: the audit trail, and the notes unless on demand."""
    blocks: list[Block] = [Text(tr.gettext("History of %(ref)s before it moved here") % {"ref": report.ref},
                                bold=True)]
    blocks += history_blocks(entries, tr=tr)
    if not config.triage.details_on_demand:
        blocks += behind_warning(report, [UserText(_entry_label(n, tr), n.text) for n in notes], tr) if notes else []
    return Message(summary=tr.gettext("History of %(ref)s") % {"ref": report.ref}, blocks=tuple(blocks),
                   carries_report_content=True, more=whole_report(report, tr), locale=tr.locale)


# ---- direct messages to the reporter ----

def reporter_acknowledged(report: ReportRecord, config: CommunityConfig, tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    return Message(summary=tr.gettext("Your report %(ref)s was acknowledged") % ref, blocks=(
        Text(tr.gettext("Your report %(ref)s was acknowledged by the committee.") % ref, bold=True),
        Text(tr.gettext("They will get back to you within %(days)s of acknowledging it, with a resolution or an "
                        "explanation of where things stand.") % {"days": days(config.policy.respond_within_days, tr)}),
    ), locale=tr.locale)


def reporter_question(report: ReportRecord, entry: Entry, tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    note = (tr.gettext("You can answer with the Reply button, or not at all. Your answer stays anonymous: the "
                       "committee is not shown who you are.") if report.anonymity == "anonymous" else
            tr.gettext("You can answer with the Reply button, or not at all. Only the committee sees your answer."))
    return Message(summary=tr.gettext("The committee has a question about your report %(ref)s") % ref, blocks=(
        Text(tr.gettext("The committee has a question about your report %(ref)s:") % ref, bold=True),
        UserText("", entry.text),
        Note(note),
        Buttons((Button("triage_reply", tr.gettext("Reply"), str(entry.id), "primary"),)),
    ), locale=tr.locale)


def reporter_decided(report: ReportRecord, d: DecisionRecord, role: str, config: CommunityConfig,
                     tr: Translator = english()) -> Message:
    title = tr.gettext("An update on your report %(ref)s") % {"ref": report.ref}
    blocks: list[Block] = [Text(title, bold=True)]
    if triage.reveals_outcome(role):
        outcome = triage.Outcome(d.outcome)
        blocks.append(Facts(((tr.gettext("Outcome"), tr.gettext(triage.OUTCOME_LABELS[outcome])),)))
        blocks.append(Text(tr.gettext(triage.OUTCOME_FOR_REPORTER[outcome])))
    else:
        blocks.append(Text(tr.gettext("The committee has reviewed your report and is taking the action it considers "
                                      "appropriate. For confidentiality, people who report what they witnessed are "
                                      "generally not told the details of the outcome.")))
    blocks.append(UserText(tr.gettext("Message from the committee"), d.message))
    blocks.append(Note(tr.gettext("Thank you for reporting. You can use Add information on your first message from "
                                  "cocbot if something changes.")))
    return Message(summary=title, blocks=tuple(blocks), locale=tr.locale)


def reporter_closed(report: ReportRecord, tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    return Message(summary=tr.gettext("Your report %(ref)s is closed") % ref, blocks=(
        Text(tr.gettext("Your report %(ref)s is now closed.") % ref, bold=True),
        Text(tr.gettext("If anything else happens, or you remember more, you can still add information or file a "
                        "new report with /report.")),
    ), locale=tr.locale)


def reporter_reopened(report: ReportRecord, tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    return Message(summary=tr.gettext("Your report %(ref)s was reopened") % ref, blocks=(
        Text(tr.gettext("The committee reopened your report %(ref)s and is looking at it again.") % ref, bold=True),
    ), locale=tr.locale)


# ---- the "View report" modal content ----

def full_report(report: ReportRecord, config: CommunityConfig, notes: Sequence[Entry],
                assessment: AssessmentRecord | None, decisions: Sequence[DecisionRecord],
                addenda: Sequence[tuple[datetime, str]] = (), tr: Translator = english()) -> Message:
    base = texts.committee_report(report, config, full=True, tr=tr)
    blocks: list[Block] = list(base.blocks)
    for when, text in addenda:
        blocks.append(UserText(tr.gettext("Added by the reporter · %(when)s") % {"when": when.strftime(STAMP)}, text))
    if assessment is not None:
        blocks.append(Facts(((tr.gettext("Risk"), tr.gettext(LEVEL[assessment.risk])),
                             (tr.gettext("Impact"), tr.gettext(LEVEL[assessment.impact])),
                             (tr.gettext("Suggested"),
                              tr.gettext(triage.suggested_response(assessment.risk, assessment.impact))))))
    for d in decisions:
        blocks.append(Facts(((tr.gettext("Decision"), _outcome_label(d.outcome, tr)),)))
        blocks.append(UserText(tr.gettext("Message sent to the reporter"), d.message))
    for n in notes:
        blocks.append(UserText(_entry_label(n, tr), n.text))
    return Message(summary=tr.gettext("Report %(ref)s") % {"ref": report.ref}, blocks=tuple(blocks),
                   carries_report_content=True, locale=tr.locale)
