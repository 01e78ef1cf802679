"""The audit trail beyond triage: what the rest of cocbot records, and the one change a purge may make.

Entries live in `triage_audit` (storage/triage.py), one trail per case. They are append-only: the only
UPDATE here blanks the actor ids of a purged case, and nothing deletes an entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from functools import cache

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.storage.content import SEAL
from cocbot.storage.models import Report
from cocbot.storage.queries import table_of
from cocbot.storage.triage import AuditEntry, TriageAudit, append_audit, audit_entry, audit_for

PURGED = "purge"

__all__ = ["AuditEntry", "PURGED", "TrailPage", "append", "blank_actors", "is_purged", "page", "trail"]


async def append(session: AsyncSession, *, report_id: int, action: str, now: datetime, actor: str | None = None,
                 detail: dict[str, Any] | None = None) -> int:
    return await append_audit(session, report_id=report_id, actor=actor, action=action, now=now, detail=detail)


async def append_many(session: AsyncSession, report_ids: Sequence[int], *, action: str, now: datetime) -> None:
    """One entry per case in one statement, with nobody as actor and no detail: a purge records itself so for
    a whole batch of cases (an entry per case, one at a time, cost a purge most of its time)."""
    if not report_ids:
        return
    await session.execute(_append_many(), {"ids": list(report_ids), "action": action, "now": now,
                                           "actor": SEAL.seal(None), "detail": SEAL.seal({})})


@cache
def _append_many() -> Any:
    # INSERT … SELECT: the values are bound once for the batch, not once per row.
    a = table_of(TriageAudit)
    r = table_of(Report).c
    return insert(a).from_select(
        ["report_id", "at", "action", "actor_sealed", "detail_sealed"],
        select(r.id, bindparam("now", type_=a.c.at.type), bindparam("action", type_=a.c.action.type),
               bindparam("actor", type_=a.c.actor_sealed.type), bindparam("detail", type_=a.c.detail_sealed.type))
        .where(r.id.in_(bindparam("ids", expanding=True))).order_by(r.id))


async def trail(session: AsyncSession, report_id: int) -> list[AuditEntry]:
    return await audit_for(session, report_id)


async def is_purged(session: AsyncSession, report_id: int) -> bool:
    found = (await session.execute(select(col(TriageAudit.id)).where(
        col(TriageAudit.report_id) == report_id, col(TriageAudit.action) == PURGED).limit(1))).first()
    return found is not None


async def blank_actors(session: AsyncSession, report_id: int) -> None:
    """A purge keeps what happened and when, not who did it."""
    await blank_many(session, [report_id])


async def blank_many(session: AsyncSession, report_ids: Iterable[int] | Select[Any]) -> None:
    """`blank_actors` for a batch of purged cases (ids or a subquery selecting them), and any detail an
    entry carried."""
    ids = report_ids if isinstance(report_ids, Select) else list(report_ids)
    # Core, not ORM: an ORM UPDATE reads back every row's id (RETURNING) to keep a session in step.
    await session.execute(update(table_of(TriageAudit)).where(table_of(TriageAudit).c.report_id.in_(ids))
                          .values(actor_sealed=SEAL.seal(None), detail_sealed=SEAL.seal({})))


@dataclass(frozen=True)
class TrailPage:
    """A page of a case's trail, newest first, and where it sits in the whole: entries `newer + 1` to
    `newer + len(entries)` of `total` (counted newest first)."""

    entries: list[AuditEntry]
    total: int
    newer: int

    @property
    def has_newer(self) -> bool:
        return self.newer > 0

    @property
    def has_older(self) -> bool:
        return self.newer + len(self.entries) < self.total


async def page(session: AsyncSession, report_id: int, *, size: int | None, before: int | None = None,
               after: int | None = None) -> TrailPage:
    """`size` entries (None: all) newest first: the newest, those just older than entry `before`, or those just newer
    than entry `after`. Keyed by entry id, not by offset: opening a page appends an entry itself, and an
    offset would shift every page by one each time."""
    of_case = col(TriageAudit.report_id) == report_id
    query = select(TriageAudit).where(of_case)
    if after is not None:
        query = query.where(col(TriageAudit.id) > after).order_by(col(TriageAudit.id))
    else:
        if before is not None:
            query = query.where(col(TriageAudit.id) < before)
        query = query.order_by(col(TriageAudit.id).desc())
    rows = list((await session.execute(query.limit(size))).scalars().all())
    if after is not None:
        rows.reverse()
    total = (await session.execute(select(func.count()).select_from(TriageAudit).where(of_case))).scalar_one()
    newer = 0
    if rows:
        newer = (await session.execute(select(func.count()).select_from(TriageAudit).where(
            of_case, col(TriageAudit.id) > rows[0].id))).scalar_one()
    return TrailPage([audit_entry(r) for r in rows], int(total), int(newer))
