"""Retention queries: which cases and drafts are due for the purge, what the bot posted about a case, and
the purge itself, which removes a case's content from every table cocbot wrote it to.

A purged report keeps its row (reference, source, anonymity, dates, state) with its content, people and
reporter replaced by empty sealed values, and a `purged_cases` row says when it was purged: the audit trail
points at it and a purged case is told apart from one that never existed. Audit rows stay too, without
actor or detail: the one place where entries of the otherwise append-only trail change.

Deleting a row does not remove its bytes from the file by itself: SQLite runs with `secure_delete`
(storage/db.py) and `scrub_files` checkpoints and truncates the WAL; PostgreSQL's `VACUUM` is run on
the tables a purge touched (see the README's privacy section for what that does and does not promise).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, String, bindparam, cast, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from cocbot.storage.content import SEAL
from cocbot.storage.discourse import DiscourseFormToken, DiscourseThread
from cocbot.storage.models import FlagDraft, OutboxItem, Report, ReportAddendum
from cocbot.storage.queries import rowcount, table_of
from cocbot.storage import audit as audit_q
from cocbot.storage.triage import (TriageAssessment, TriageBan, TriageDecision, TriageEntry,
                                   TriageRecusal)
from cocbot.storage.types import UTCDateTime

if TYPE_CHECKING:  # storage.db imports every table module, this one included
    from cocbot.storage.db import Database


class PurgedCase(SQLModel, table=True):
    """A report whose content the purge removed, and when."""

    __tablename__ = "purged_cases"

    report_id: int = Field(primary_key=True, foreign_key="reports.id")
    purged_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

# Tables a case purge deletes from or rewrites (PostgreSQL vacuums them afterwards).
TOUCHED_TABLES: tuple[str, ...] = (
    "reports", "report_addenda", "triage_entries", "triage_assessments", "triage_decisions", "triage_bans",
    "triage_recusals", "triage_audit", "outbox", "discourse_threads", "discourse_form_tokens", "flag_drafts",
    "purged_cases", "report_people", "report_holds", "talk_conversations", "talk_messages", "ban_places",
)
# Outbox kinds whose posts carry report content to the committee; what they posted is deleted with the case.
# The reporter's own DMs and public announcements are not: they are not the committee's space.
COMMITTEE_KINDS: frozenset[str] = frozenset({
    "deliver_report", "deliver_addendum", "reminder_ack", "reminder_respond", "escalation_ack",
    "triage_refresh", "triage_thread", "triage_move",
})


@dataclass(frozen=True)
class Due:
    """Something the purge would remove: a case (its reference) or a draft, and its date."""

    what: str  # "case" | "draft" | another part's own word
    ref: str
    at: datetime | None
    id: int | None = None


@dataclass(frozen=True)
class CaseTraces:
    """Where the bot posted about one case in committee spaces, and the private space it opened for it."""

    report_id: int
    platform: str
    posts: tuple[tuple[str, str], ...]  # (channel, ts)
    private_space: str | None


# ---- what is due ----

async def closed_cases_due(session: AsyncSession, *, closed_before: datetime, bans_ended_before: datetime,
                           now: datetime, limit: int | None = None, after_id: int = 0) -> list[Due]:
    """Closed, not yet purged cases closed before `closed_before`, oldest id first.

    A case whose ban is still in force (or ended after `bans_ended_before`) waits: the ban's record is kept
    for as long as the ban applies and then for `retention.ended_bans`.
    """
    r = table_of(Report).c
    b = table_of(TriageBan).c
    ban_kept = exists().where(b.report_id == r.id, or_(b.ends_at.is_(None), b.ends_at > bans_ended_before))
    purged = exists().where(table_of(PurgedCase).c.report_id == r.id)
    stmt = (select(r.id, r.ref, r.closed_at)
            .where(r.state == "closed", r.closed_at.is_not(None), r.closed_at <= closed_before,
                   r.id > after_id, ~purged, ~ban_kept)
            .order_by(r.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = (await session.execute(stmt)).all()
    return [Due("case", ref, closed, id=rid) for rid, ref, closed in rows]


async def drafts_due(session: AsyncSession, *, saved_before: datetime) -> list[Due]:
    """Flagged-message snapshots never submitted: listed by when they were saved, never by what they hold."""
    d = table_of(FlagDraft).c
    rows = (await session.execute(select(d.created_at).where(d.created_at < saved_before)
                                  .order_by(d.created_at))).all()
    return [Due("draft", "-", at) for (at,) in rows]


async def delete_drafts(session: AsyncSession, *, saved_before: datetime) -> int:
    d = table_of(FlagDraft)
    return int(rowcount(await session.execute(delete(d).where(d.c.created_at < saved_before))) or 0)


# ---- the purge ----

@dataclass(frozen=True)
class Marked:
    """A batch of cases marked as purged in this transaction (`mark`): the statements that follow select
    them with a subquery on the marks rather than a list of ids, which costs a parameter per id each time."""

    lo: int
    hi: int
    at: datetime

    def ids(self) -> Any:
        p = table_of(PurgedCase).c
        return select(p.report_id).where(p.report_id >= self.lo, p.report_id <= self.hi, p.purged_at == self.at)


async def mark(session: AsyncSession, report_ids: list[int], *, now: datetime) -> Marked | None:
    """Record these cases as purged at `now` (cases purged before keep their mark and are left alone)."""
    if not report_ids:
        return None
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    await session.execute(_mark(dialect), {"ids": sorted(set(report_ids)), "now": now})
    return Marked(min(report_ids), max(report_ids), now)


@cache
def _mark(dialect: str) -> Any:
    # INSERT … SELECT: `now` is bound once for the batch, not once per case.
    p = table_of(PurgedCase)
    r = table_of(Report).c
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(p).from_select(
        ["report_id", "purged_at"],
        select(r.id, bindparam("now", type_=p.c.purged_at.type)).where(r.id.in_(bindparam("ids", expanding=True)))
    ).on_conflict_do_nothing()


async def traces(session: AsyncSession, batch: Marked) -> list[CaseTraces]:
    """The committee-space posts recorded for a batch of cases (outbox results) and their private spaces.

    Read before the purge deletes the outbox rows that recorded them."""
    r = table_of(Report).c
    o = table_of(OutboxItem).c
    rec = table_of(TriageRecusal).c
    reports = {row.id: row for row in (await session.execute(
        select(r.id, r.platform, r.space_kind, r.space_channel, r.message_ts).where(r.id.in_(batch.ids())))).all()}
    spaces: dict[int, set[str]] = {rid: {row.space_channel} if row.space_channel else set()
                                   for rid, row in reports.items()}
    for rid, channel in (await session.execute(
            select(rec.report_id, rec.from_channel).where(rec.report_id.in_(batch.ids())))).all():
        if channel and rid in spaces:
            spaces[rid].add(channel)
    posts: dict[int, dict[tuple[str, str], None]] = {rid: {} for rid in reports}
    for rid, row in reports.items():
        if row.space_channel and row.message_ts:
            posts[rid][(row.space_channel, row.message_ts)] = None
    # The status is tested here, not in SQL: given it, SQLite picks the outbox's (status, due) index and reads
    # every delivered row of the whole history for each batch, rather than the batch's own rows by report id.
    outbox = await session.execute(
        select(o.report_id, o.kind, o.status, o.result_sealed)
        .where(o.report_id.in_(batch.ids()), o.result_sealed.is_not(None)))
    for n, (rid, kind, status, result_sealed) in enumerate(outbox.all()):
        if n and not n % _UNSEAL_SLICE:
            # Unsealing is the batch's longest stretch of Python: the event loop turns every so often.
            await asyncio.sleep(0)
        if status != "done":
            continue
        result = SEAL.unseal(result_sealed)
        if not isinstance(result, dict) or rid not in posts:
            continue
        channel, ts = result.get("channel"), result.get("ts")
        if not channel or not ts:
            continue
        if kind in COMMITTEE_KINDS or channel in spaces[rid]:
            posts[rid][(str(channel), str(ts))] = None
        moved_from = result.get("moved_from")
        if moved_from:
            spaces[rid].add(str(moved_from))
    out = []
    for rid, row in reports.items():
        private = row.space_channel if row.space_kind == "private_space" else None
        out.append(CaseTraces(rid, row.platform, tuple(posts[rid]), private))
    return out


_UNSEAL_SLICE = 50
_EMPTY_REPORTER: dict[str, Any] = {"user": ""}


async def purge_marked(session: AsyncSession, batch: Marked) -> int:
    """Remove the content of a marked batch of cases everywhere it is stored; returns how many reports."""
    ids = batch.ids()
    for model in (ReportAddendum, TriageEntry, TriageAssessment, TriageRecusal, TriageBan, TriageDecision):
        t = table_of(model)
        await session.execute(delete(t).where(t.c.report_id.in_(ids)))
    await audit_q.blank_many(session, ids)
    outbox = table_of(OutboxItem)
    await session.execute(delete(outbox).where(outbox.c.report_id.in_(ids)))
    threads = table_of(DiscourseThread)
    await session.execute(delete(threads).where(threads.c.report_id.in_(ids)))
    reports = table_of(Report)
    c = reports.c
    tokens = table_of(DiscourseFormToken)
    await session.execute(delete(tokens).where(tokens.c.report_ref.in_(select(c.ref).where(c.id.in_(ids)))))
    result = await session.execute(
        update(reports).where(c.id.in_(ids)).values(
            idempotency_key="purged:" + cast(c.id, String),
            reporter_sealed=SEAL.seal(_EMPTY_REPORTER), content_sealed=SEAL.seal({}), people_sealed=SEAL.seal({}),
            where_channel=None, flagged_channel=None, flagged_ts=None, flagged_permalink=None, owner=None,
            space_channel=None, message_ts=None, reporter_role=None, category=None))
    return int(rowcount(result) or 0)


async def purge_cases(session: AsyncSession, report_ids: list[int], *, now: datetime) -> int:
    """Mark and purge these cases (see `mark` and `purge_marked`)."""
    batch = await mark(session, report_ids, now=now)
    return 0 if batch is None else await purge_marked(session, batch)


async def pending_deletions(session: AsyncSession, prefix: str, *, kind: str) -> int:
    """How many rows of `kind` whose key starts with `prefix` are still to be delivered."""
    o = table_of(OutboxItem).c
    return int((await session.execute(
        select(func.count()).where(o.kind == kind, o.status == "pending", o.key.startswith(prefix, autoescape=True))
    )).scalar_one())


async def purged_at(session: AsyncSession, ref: str) -> datetime | None:
    """When the case with this reference was purged; None if it was not (or does not exist)."""
    r = table_of(Report).c
    p = table_of(PurgedCase).c
    return (await session.execute(select(p.purged_at).join_from(table_of(PurgedCase), table_of(Report),
                                                                 p.report_id == r.id).where(r.ref == ref))
            ).scalar_one_or_none()


async def scrub_files(db: Database, tables: tuple[str, ...] = TOUCHED_TABLES) -> str:
    """After a purge, make deleted rows' bytes leave the database files; returns what was done.

    SQLite: every connection runs with `secure_delete` (freed cells and pages are zeroed), and the WAL, which
    still holds the pages as they were before, is checkpointed into the file and truncated to zero bytes.
    PostgreSQL: `VACUUM` (outside a transaction) on the touched tables marks the dead tuples' space reusable;
    it does not promise to overwrite them at once (the README says what that means).
    """
    if db.is_sqlite:
        # In a unit of work of this process, so no transaction of ours holds a snapshot the checkpoint must
        # keep; PRAGMA opens no transaction of its own. Another process reading (the bot, while `cocbot purge`
        # runs) can make it busy for a moment: tried a few times, then left to the next purge.
        for attempt in range(5):
            async with db.transaction() as session:
                busy, _, _ = (await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).one()
            if not busy:
                return "checkpointed"
            await asyncio.sleep(0.2 * (attempt + 1))
        return "checkpoint_busy"
    async with db.engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            await auto.execute(text(f'VACUUM "{table}"'))
    return "vacuumed"
