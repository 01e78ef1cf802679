"""The case file: the whole case as Markdown for the committee's records (the seed's "file the report
with the safety officer"). Written by `cocbot case export`, recorded in the case's trail, refused once the
case was purged (its content no longer exists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from collections.abc import Iterable, Sequence

from cocbot.bot.audit import texts
from cocbot.bot.audit.trail import record
from cocbot.bot.i18n import Translator, english
from cocbot.bot.triage import rules as triage
from cocbot.storage import audit as audit_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord, DecisionRecord, Entry


@dataclass(frozen=True)
class Refused:
    message: str


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _quote(text: str) -> list[str]:
    """What a person wrote, as a quote: never read as Markdown structure of the file itself."""
    return [("> " + line.replace("<", "&lt;")) if line.strip() else ">" for line in (text or "").splitlines()] or [">"]


def _people(people: Iterable[str]) -> str:
    listed = [p for p in people if p]
    return ", ".join(f"`{p}`" for p in listed) if listed else "—"


def _label(action: str, tr: Translator) -> str:
    label = triage.AUDIT_LABELS.get(action)
    return tr.gettext(label) if label else texts.action_label(tr, action) or action


def case_markdown(tr: Translator, report: ReportRecord, addenda: Sequence[tuple[datetime, str]],
                  entries: Sequence[Entry], assessment: AssessmentRecord | None, decisions: Sequence[DecisionRecord],
                  bans: Sequence[BanRecord], trail: Sequence[AuditEntry], now: datetime) -> str:
    out = [f"# {texts.export_title(tr, report.ref)}", "", f"_{texts.export_note(tr, _when(now))}_", "",
           f"## {texts.export_report(tr)}", "",
           f"- {texts.export_filed(tr)}: {_when(report.created_at)} ({report.source}, {report.platform})",
           f"- {texts.export_anonymity(tr)}: {report.anonymity}"]
    if report.anonymity != "anonymous":
        out.append(f"- {texts.export_reporter(tr)}: {_people([report.reporter])}")
    out += [f"- {texts.export_state(tr)}: {report.state}",
            f"- {texts.export_implicated(tr)}: {_people(report.implicated)}",
            f"- {texts.export_witnesses(tr)}: {_people(report.witnesses)}",
            f"- {texts.export_excluded(tr)}: {_people(report.excluded)}",
            f"- {texts.export_ongoing(tr)}: {report.ongoing}; {texts.export_danger(tr)}: "
            f"{'yes' if report.danger else 'no'}", ""]
    for label, text in ((texts.export_what(tr), report.description), (texts.export_when(tr), report.when),
                        (texts.export_where(tr), report.where_text),
                        (texts.export_others(tr), report.implicated_other),
                        (texts.export_flagged(tr), report.snapshot)):
        if text:
            out += [f"### {label}", "", *_quote(text), ""]
    if addenda:
        out += [f"## {texts.export_additions(tr)}", ""]
        for at, text in addenda:
            out += [f"### {_when(at)}", "", *_quote(text), ""]
    out += [f"## {texts.export_assessment(tr)}", ""]
    if assessment is None:
        out += [texts.export_none(tr), ""]
    else:
        out += [f"- risk: {assessment.risk}; impact: {assessment.impact}; ongoing: {assessment.ongoing}; "
                f"unsafe: {'yes' if assessment.unsafe else 'no'}",
                f"- category: {assessment.category}; reporter: {assessment.reporter_role}",
                f"- {_when(assessment.at)}, {_people([assessment.actor])}", ""]
    out += [f"## {texts.export_notes(tr)}", ""]
    if not entries:
        out += [texts.export_none(tr), ""]
    for e in entries:
        out += [f"### {e.kind} · {_when(e.at)}" + (f" · {_people([e.author])}" if e.author else ""), "",
                *_quote(e.text), ""]
    out += [f"## {texts.export_decision(tr)}", ""]
    if not decisions:
        out += [texts.export_none(tr), ""]
    for d in decisions:
        outcome = triage.OUTCOME_LABELS.get(triage.Outcome(d.outcome), d.outcome)
        out += [f"### {outcome} · {_when(d.at)} · {_people([d.actor])}", "", *_quote(d.message), ""]
        if d.announcement:
            out += [f"{texts.export_announcement(tr)} ({d.announcement_state}):", "", *_quote(d.announcement), ""]
    for b in bans:
        until = _when(b.ends_at) if b.ends_at else "permanent"
        out += [f"- ban: {_people(b.subjects)}; scope: {b.scope}; until: {until}"]
    if bans:
        out.append("")
    out += [f"## {texts.export_timeline(tr)}", ""]
    for a in trail:
        who = f" — {_people([a.actor])}" if a.actor else ""
        summary = a.detail.get("summary")
        out.append(f"- {_when(a.at)} {_label(a.action, tr)}" + (f" ({summary})" if summary else "") + who)
    return "\n".join(out).rstrip() + "\n"


async def export_case(db: Database, ref: str, now: datetime, tr: Translator | None = None) -> str | Refused:
    """The case file, recorded as exported in the same transaction; a Refused says why not."""
    tr = tr or english()
    async with db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
        if report is None:
            return Refused(texts.export_unknown(tr, ref))
        if await audit_q.is_purged(session, report.id):
            return Refused(texts.export_purged(tr, ref))
        text = case_markdown(tr, report, await reports_q.addenda_for(session, report.id),
                             await triage_q.entries_for(session, report.id),
                             await triage_q.latest_assessment(session, report.id),
                             await triage_q.decisions_for(session, report.id),
                             await triage_q.bans_for(session, report.id),
                             await triage_q.audit_for(session, report.id), now)
        await record(session, report_id=report.id, action="export", now=now, by="command line")
    return text


async def case_history(db: Database, ref: str) -> list[AuditEntry] | Refused:
    async with db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
        if report is None:
            return Refused(texts.export_unknown(english(), ref))
        return await triage_q.audit_for(session, report.id)


def history_lines(entries: Sequence[AuditEntry], tr: Translator | None = None) -> list[str]:
    tr = tr or english()
    lines = []
    for a in entries:
        summary = a.detail.get("summary")
        who = f"  by {a.actor}" if a.actor else ""
        lines.append(f"{_when(a.at)}  {_label(a.action, tr)}" + (f" ({summary})" if summary else "") + who)
    return lines
