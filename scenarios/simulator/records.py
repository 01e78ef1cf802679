"""What the bot stored, read back for a story's expectations: its reports (with addenda) and its outbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem, Report
from cocbot.storage.reports import ReportRecord


@dataclass
class ReportView:
    ref: str
    record: ReportRecord
    addenda: list[str]


async def stored_reports(db: Database) -> list[ReportView]:
    """Every report, oldest first, with the text of what was added to it later."""
    async with db.transaction() as session:
        ids = (await session.execute(select(col(Report.id)))).scalars().all()
        records = await reports_q.get_reports(session, {i for i in ids if i is not None})
        return [ReportView(record.ref, record, [text for _, text in await reports_q.addenda_for(session, report_id)])
                for report_id, record in sorted(records.items())]


async def outbox_counts(db: Database) -> dict[tuple[str, str], int]:
    """(kind, status) → how many outbox rows."""
    async with db.transaction() as session:
        rows = (await session.execute(select(col(OutboxItem.kind), col(OutboxItem.status), func.count())
                                      .group_by(col(OutboxItem.kind), col(OutboxItem.status)))).all()
    return {(kind, status): n for kind, status, n in rows}
