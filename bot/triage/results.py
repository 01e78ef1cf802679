"""What triage hands the platform edges: the outcome of an action, what a modal may show, and the records
those carry (read by the domain from storage; edges never query storage themselves)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cocbot.bot.i18n import Translator
from cocbot.bot.i18n.phrases import english_of, said

from cocbot.storage.audit import TrailPage
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, DecisionRecord, Entry

__all__ = ["AssessmentRecord", "AuditEntry", "Authorized", "DecisionRecord", "Entry", "ReportRecord", "ReportView",
           "Result", "TrailPage"]


@dataclass(frozen=True)
class Result:
    """What the clicker is told. `message` never holds report content; `errors` are modal field errors."""

    ok: bool
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    report: ReportRecord | None = None
    # `message` as its English source text and named values, for the reader's language (see `text`).
    template: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)

    def text(self, tr: Translator) -> str:
        """The message in `tr`'s language (a plain `message` is an English source text itself)."""
        return said(tr, self.template or self.message, self.args)

    def error(self, field_name: str, tr: Translator) -> str:
        """The refusal shown beside `field_name` in a form, in `tr`'s language."""
        if field_name in self.errors:
            return said(tr, self.errors[field_name], self.args)
        return self.text(tr)

    def payload(self) -> dict[str, Any]:
        """For an outbox payload (cocbot's own words and ids only): `{"text": …, "args": …}`."""
        return {"text": self.template or self.message, "args": dict(self.args)}


def phrase(ok: bool, template: str, errors: dict[str, str] | None = None, **args: Any) -> Result:
    """A Result whose message is `template` (marked with N_) with its named values."""
    return Result(ok, english_of(template, args), errors or {}, template=template, args=args)


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
