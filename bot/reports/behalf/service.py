"""Report on someone's behalf: a facilitator or committee member files what someone told them in person or
on a call. The person it is for becomes the reporter: when reachable they get the report to review, and
confirm it (choosing their anonymity) or correct it with Add information. Until then the committee sees
"filed on behalf of …, not yet confirmed", and the one who filed it is told only what a witness would be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty import roster
from cocbot.bot.i18n import Translator, english, translator
from cocbot.bot.reports.behalf import texts
from cocbot.bot.reports.reporters import public_reporter, reachable
from cocbot.bot.reports.spaces import same_people
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database

if TYPE_CHECKING:
    from cocbot.bot.reports.intake import ReportDraft
    from cocbot.storage.reports import ReportRecord

REVIEW = "behalf_review"  # the report, to the person it is for
RECEIPT = "behalf_receipt"  # to the one who filed it
CONFIRMED = "behalf_confirmed"  # a note in the report's space
CONFIRM_ACTIONS = {"behalf_confirm_named": "named", "behalf_confirm_confidential": "confidential",
                   "behalf_confirm_anonymous": "anonymous"}
OTHER_LIMIT = 500


def filing_for_someone(draft: ReportDraft) -> bool:
    return bool(draft.on_behalf or draft.on_behalf_other.strip())


def may_file_for_others(user: str, config: CommunityConfig) -> bool:
    return bool(same_people({user}, config) & same_people(roster.facilitators(config), config))


def behalf_errors(draft: ReportDraft, config: CommunityConfig, tr: Translator | None = None) -> dict[str, str]:
    if not filing_for_someone(draft):
        return {}
    tr = tr or english()
    if not may_file_for_others(draft.reporter, config):
        return {"on_behalf": texts.only_facilitators(tr)}
    if draft.on_behalf and draft.on_behalf_other.strip():
        return {"on_behalf": texts.one_or_the_other(tr)}
    if draft.on_behalf and draft.on_behalf in same_people({draft.reporter}, config):
        return {"on_behalf": texts.not_yourself(tr)}
    if draft.on_behalf and draft.on_behalf in (*draft.implicated, *draft.excluded):
        return {"on_behalf": texts.not_someone_named(tr)}
    if len(draft.on_behalf_other) > OTHER_LIMIT:
        return {"on_behalf_other": texts.too_long(tr, len(draft.on_behalf_other), OTHER_LIMIT)}
    return {}


def reporter_for(draft: ReportDraft) -> str:
    """Who the report's reporter is: the person it is for, or (someone not on the platform) nobody cocbot
    can write to."""
    if draft.on_behalf:
        return draft.on_behalf
    if draft.on_behalf_other.strip():
        return public_reporter(f"behalf-{draft.idempotency_key}")
    return draft.reporter


def stored_fields(draft: ReportDraft) -> dict[str, Any]:
    if not filing_for_someone(draft):
        return {}
    return {"filed_by": draft.reporter, "on_behalf_other": draft.on_behalf_other.strip()}


def intake_rows(report: ReportRecord) -> list[outbox_q.NewItem]:
    rows = [outbox_q.NewItem(key=f"report:{report.id}:{RECEIPT}", kind=RECEIPT, report_id=report.id)]
    if reachable(report.reporter):
        rows.append(outbox_q.NewItem(key=f"report:{report.id}:{REVIEW}", kind=REVIEW, report_id=report.id))
    return rows


@dataclass(frozen=True)
class Answer:
    ok: bool
    message: str


@dataclass
class BehalfService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = lambda: None

    async def confirm(self, ref: str, user: str, anonymity: str, tr: Translator | None = None) -> Answer:
        """`tr`: the person's language (the edge knows it); the community's by default."""
        tr = tr or translator(self.config.community.language)
        now = self.clock.now()
        if anonymity not in ("named", "confidential", "anonymous"):
            anonymity = "confidential"
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or not report.filed_by or report.reporter not in same_people({user}, self.config):
                return Answer(False, texts.only_the_person(tr))
            if not await reports_q.confirm_behalf(session, report.id, anonymity):
                return Answer(True, texts.already_confirmed(tr, ref))
            await outbox_q.enqueue_many(session, [
                outbox_q.NewItem(key=f"report:{report.id}:{CONFIRMED}", kind=CONFIRMED, report_id=report.id),
                # From now on they are the reporter for every notice, starting with the usual confirmation.
                outbox_q.NewItem(key=f"report:{report.id}:confirm", kind="confirm_reporter", report_id=report.id),
            ], now=now)
        self.notify()
        return Answer(True, texts.confirmed(tr, ref))
