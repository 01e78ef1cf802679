"""Content warnings: the reporter, or the committee when it assesses the report, can add one. The committee's
post then shows the warning and keeps the details behind "View report" for that report, as details on demand
does for every report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, english, translator
from cocbot.bot.messages import Block, UserText
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.reports import ReportRecord

LIMIT = 300


def label(tr: Translator) -> str:
    return tr.gettext("Content warning")


def warning_errors(text: str, tr: Translator | None = None) -> dict[str, str]:
    if len(text) > LIMIT:
        return {"content_warning": (tr or english()).gettext("This is %(n)d characters; the limit is %(limit)d.") % {
            "n": len(text), "limit": LIMIT}}
    return {}


def details_on_demand_for(report: ReportRecord, config: CommunityConfig) -> CommunityConfig:
    if not report.content_warning or config.triage.details_on_demand:
        return config
    return config.model_copy(update={"triage": config.triage.model_copy(update={"details_on_demand": True})})


def warning_blocks(report: ReportRecord, tr: Translator | None = None) -> list[Block]:
    if not report.content_warning:
        return []
    return [UserText(label(tr or english()), report.content_warning)]


@dataclass(frozen=True)
class Answer:
    ok: bool
    message: str


@dataclass
class ContentWarnings:
    """The committee adds (or changes) a report's content warning; its post is then re-rendered."""

    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = lambda: None

    async def add(self, ref: str, text: str, *, allowed: bool, tr: Translator | None = None) -> Answer:
        """`allowed`: the triage service agreed this member may assess the report. `tr`: the committee's
        language unless given."""
        tr = tr or translator(self.config.community.language)
        text = text.strip()
        if not allowed:
            return Answer(False, tr.gettext("Only committee members handling this report can add a content "
                                            "warning. Nothing was changed."))
        if not text:
            return Answer(True, "")
        errors = warning_errors(text, tr)
        if errors:
            return Answer(False, errors["content_warning"])
        now = self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or report.content_warning == text:
                return Answer(True, "")
            await reports_q.set_content_warning(session, report.id, text)
            await outbox_q.enqueue(session, key=f"report:{report.id}:refresh:cw:{int(now.timestamp())}",
                                   kind="triage_refresh", report_id=report.id, now=now)
        self.notify()
        return Answer(True, tr.gettext("Content warning added: the report's message now keeps its details behind "
                                       "View report."))
