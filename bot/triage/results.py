"""What triage hands the platform edges: the outcome of an action, what a modal may show, and the records
those carry (read by the domain from storage; edges never query storage themselves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, DecisionRecord, Entry

__all__ = ["AssessmentRecord", "AuditEntry", "Authorized", "DecisionRecord", "Entry", "ReportRecord", "ReportView",
           "Result"]


@dataclass(frozen=True)
class Result:
    """What the clicker is told. `message` never holds report content; `errors` are modal field errors."""

    ok: bool
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    report: ReportRecord | None = None


@dataclass(frozen=True)
class Authorized:
    report: ReportRecord
    assessment: AssessmentRecord | None = None
    decision: DecisionRecord | None = None
    question: Entry | None = None


@dataclass(frozen=True)
class ReportView:
    report: ReportRecord
    entries: list[Entry]
    assessment: AssessmentRecord | None
    decisions: list[DecisionRecord]
    addenda: list[tuple[datetime, str]] = field(default_factory=list)
