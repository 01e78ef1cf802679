"""Triage tables and queries: the audit log, notes/questions/answers, assessments, decisions, bans and
recusals. People ids and everything a person wrote are sealed via storage.content. The audit log is
append-only: this module offers no way to change or delete an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, Text, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.models import Report
from cocbot.storage.queries import insert_ignoring_duplicates, rowcount, table_of
from cocbot.storage.types import timestamp_field as _ts


def _sealed(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


class TriageAudit(SQLModel, table=True):
    __tablename__ = "triage_audit"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    at: datetime = _ts()
    action: str = Field(max_length=40)
    actor_sealed: str = _sealed()
    # Non-content facts (state change, risk/impact, outcome); sealed because some name people.
    detail_sealed: str = _sealed()


class TriageEntry(SQLModel, table=True):
    """A private note, a question to the reporter, or the reporter's answer."""

    __tablename__ = "triage_entries"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    at: datetime = _ts()
    kind: str = Field(max_length=12)
    # The committee member for notes and questions; None for answers (the reporter is never recorded here).
    author_sealed: str | None = _sealed(nullable=True)
    question_id: int | None = Field(default=None, index=True)
    content_sealed: str = _sealed()


class TriageAssessment(SQLModel, table=True):
    __tablename__ = "triage_assessments"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    at: datetime = _ts()
    actor_sealed: str = _sealed()
    risk: str = Field(max_length=8)
    impact: str = Field(max_length=8)
    ongoing: str = Field(max_length=8)
    unsafe: bool = False
    category: str = Field(max_length=60)
    reporter_role: str = Field(max_length=12)


class TriageDecision(SQLModel, table=True):
    __tablename__ = "triage_decisions"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    at: datetime = _ts()
    actor_sealed: str = _sealed()
    outcome: str = Field(max_length=30)
    message_sealed: str = _sealed()
    announcement_sealed: str | None = _sealed(nullable=True)
    announce_channel: str | None = Field(default=None, max_length=40)
    # none | pending (waiting for a second member) | approved
    announcement_state: str = Field(default="none", max_length=12)
    approved_by_sealed: str | None = _sealed(nullable=True)
    approved_at: datetime | None = _ts(nullable=True)


class TriageBan(SQLModel, table=True):
    """A ban recorded with its scope and end so it can be reviewed (CSCCE keeps records of all bans)."""

    __tablename__ = "triage_bans"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    decision_id: int = Field(foreign_key="triage_decisions.id", index=True)
    created_at: datetime = _ts()
    outcome: str = Field(max_length=30)
    subjects_sealed: str = _sealed()
    scope_sealed: str = _sealed()
    # None: permanent.
    ends_at: datetime | None = _ts(index=True, nullable=True)


class TriageRecusal(SQLModel, table=True):
    __tablename__ = "triage_recusals"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    at: datetime = _ts()
    member_sealed: str = _sealed()
    from_channel: str | None = Field(default=None, max_length=40)


# ---- records handed to the domain ----

@dataclass(frozen=True)
class AuditEntry:
    id: int
    report_id: int
    at: datetime
    action: str
    actor: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Entry:
    id: int
    report_id: int
    at: datetime
    kind: str
    author: str | None
    question_id: int | None
    text: str


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    report_id: int
    at: datetime
    actor: str
    risk: str
    impact: str
    ongoing: str
    unsafe: bool
    category: str
    reporter_role: str


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    report_id: int
    at: datetime
    actor: str
    outcome: str
    message: str
    announcement: str | None
    announce_channel: str | None
    announcement_state: str
    approved_by: str | None
    approved_at: datetime | None


@dataclass(frozen=True)
class BanRecord:
    id: int
    report_id: int
    decision_id: int
    created_at: datetime
    outcome: str
    subjects: tuple[str, ...]
    scope: str
    ends_at: datetime | None


# ---- concurrency ----

async def lock_report_by_ref(session: AsyncSession, ref: str) -> bool:
    """`lock_report` for a click that carries only the reference."""
    result = await session.execute(
        update(Report).where(col(Report.ref) == ref).values(version=col(Report.version) + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


async def lock_report(session: AsyncSession, report_id: int) -> bool:
    """Take the report's row for this transaction before reading it.

    The first statement of every triage transaction is this write, so concurrent clicks on one report
    run one after the other (a row lock on PostgreSQL, the write lock on SQLite) and each sees the state
    the previous one committed. Returns False when there is no such report.
    """
    result = await session.execute(
        update(Report).where(col(Report.id) == report_id).values(version=col(Report.version) + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


async def transition(session: AsyncSession, report_id: int, *, before: str, after: str,
                     **values: Any) -> bool:
    """Move the report from `before` to `after` only if it is still in `before` (compare-and-set)."""
    result = await session.execute(
        update(Report).where(col(Report.id) == report_id, col(Report.state) == before).values(state=after, **values)
    )
    return bool(rowcount(result))


# ---- audit ----

async def append_audit(session: AsyncSession, *, report_id: int, actor: str | None, action: str, now: datetime,
                       detail: dict[str, Any] | None = None) -> int:
    # A Core INSERT, not an ORM add and flush: every report's intake appends one, and the unit-of-work
    # machinery around a single new row cost more than the statement.
    result = await session.execute(_insert_audit(), {
        "report_id": report_id, "at": now, "action": action, "actor_sealed": SEAL.seal(actor),
        "detail_sealed": SEAL.seal(detail or {})})
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


@cache
def _insert_audit() -> Any:
    return insert(table_of(TriageAudit))


async def get_audit(session: AsyncSession, audit_id: int) -> AuditEntry | None:
    r = await session.get(TriageAudit, audit_id)
    if r is None:
        return None
    return AuditEntry(r.id, r.report_id, r.at, r.action, SEAL.unseal(r.actor_sealed),  # type: ignore[arg-type]
                      SEAL.unseal(r.detail_sealed) or {})


async def audit_for(session: AsyncSession, report_id: int) -> list[AuditEntry]:
    rows = (await session.execute(
        select(TriageAudit).where(col(TriageAudit.report_id) == report_id).order_by(col(TriageAudit.id))
    )).scalars().all()
    return [audit_entry(r) for r in rows]


def audit_entry(r: TriageAudit) -> AuditEntry:
    return AuditEntry(r.id, r.report_id, r.at, r.action, SEAL.unseal(r.actor_sealed),  # type: ignore[arg-type]
                      SEAL.unseal(r.detail_sealed) or {})


# ---- notes, questions, answers ----

async def add_entry(session: AsyncSession, *, report_id: int, key: str, kind: str, author: str | None, text: str,
                    now: datetime, question_id: int | None = None) -> tuple[int, bool]:
    values = {
        "report_id": report_id, "idempotency_key": key, "at": now, "kind": kind,
        "author_sealed": None if author is None else SEAL.seal(author), "question_id": question_id,
        "content_sealed": SEAL.seal({"text": text}),
    }
    result = await session.execute(insert_ignoring_duplicates(session, table_of(TriageEntry), values))
    entry_id = (await session.execute(
        select(col(TriageEntry.id)).where(col(TriageEntry.idempotency_key) == key))).scalar_one()
    assert entry_id is not None  # just written, or found by its key
    return entry_id, bool(rowcount(result))


def _entry(r: TriageEntry) -> Entry:
    assert r.id is not None
    return Entry(r.id, r.report_id, r.at, r.kind, SEAL.unseal(r.author_sealed), r.question_id,
                 SEAL.unseal(r.content_sealed)["text"])


async def get_entry(session: AsyncSession, entry_id: int) -> Entry | None:
    row = await session.get(TriageEntry, entry_id)
    return None if row is None else _entry(row)


async def entries_for(session: AsyncSession, report_id: int) -> list[Entry]:
    rows = (await session.execute(
        select(TriageEntry).where(col(TriageEntry.report_id) == report_id).order_by(col(TriageEntry.id))
    )).scalars().all()
    return [_entry(r) for r in rows]


# ---- assessments ----

async def add_assessment(session: AsyncSession, *, report_id: int, key: str, actor: str, now: datetime, risk: str,
                         impact: str, ongoing: str, unsafe: bool, category: str,
                         reporter_role: str) -> tuple[int, bool]:
    values = {"report_id": report_id, "idempotency_key": key, "at": now, "actor_sealed": SEAL.seal(actor),
              "risk": risk, "impact": impact, "ongoing": ongoing, "unsafe": unsafe, "category": category,
              "reporter_role": reporter_role}
    result = await session.execute(insert_ignoring_duplicates(session, table_of(TriageAssessment), values))
    row_id = (await session.execute(
        select(col(TriageAssessment.id)).where(col(TriageAssessment.idempotency_key) == key))).scalar_one()
    assert row_id is not None  # just written, or found by its key
    return row_id, bool(rowcount(result))


def _assessment(r: TriageAssessment) -> AssessmentRecord:
    assert r.id is not None
    return AssessmentRecord(r.id, r.report_id, r.at, SEAL.unseal(r.actor_sealed), r.risk, r.impact, r.ongoing,
                            r.unsafe, r.category, r.reporter_role)


async def get_assessment(session: AsyncSession, assessment_id: int) -> AssessmentRecord | None:
    row = await session.get(TriageAssessment, assessment_id)
    return None if row is None else _assessment(row)


async def latest_assessment(session: AsyncSession, report_id: int) -> AssessmentRecord | None:
    row = (await session.execute(
        select(TriageAssessment).where(col(TriageAssessment.report_id) == report_id)
        .order_by(col(TriageAssessment.id).desc()).limit(1))).scalars().first()
    return None if row is None else _assessment(row)


# ---- decisions and bans ----

async def add_decision(session: AsyncSession, *, report_id: int, key: str, actor: str, now: datetime, outcome: str,
                       message: str, announcement: str | None, announce_channel: str | None) -> tuple[int, bool]:
    values = {
        "report_id": report_id, "idempotency_key": key, "at": now, "actor_sealed": SEAL.seal(actor),
        "outcome": outcome, "message_sealed": SEAL.seal({"text": message}),
        "announcement_sealed": SEAL.seal({"text": announcement}) if announcement else None,
        "announce_channel": announce_channel if announcement else None,
        "announcement_state": "pending" if announcement else "none",
    }
    result = await session.execute(insert_ignoring_duplicates(session, table_of(TriageDecision), values))
    row_id = (await session.execute(
        select(col(TriageDecision.id)).where(col(TriageDecision.idempotency_key) == key))).scalar_one()
    assert row_id is not None  # just written, or found by its key
    return row_id, bool(rowcount(result))


def _decision(r: TriageDecision) -> DecisionRecord:
    assert r.id is not None
    announcement = SEAL.unseal(r.announcement_sealed)
    return DecisionRecord(r.id, r.report_id, r.at, SEAL.unseal(r.actor_sealed), r.outcome,
                          SEAL.unseal(r.message_sealed)["text"], announcement["text"] if announcement else None,
                          r.announce_channel, r.announcement_state, SEAL.unseal(r.approved_by_sealed),
                          r.approved_at)


async def get_decision(session: AsyncSession, decision_id: int) -> DecisionRecord | None:
    row = await session.get(TriageDecision, decision_id)
    return None if row is None else _decision(row)


async def decisions_for(session: AsyncSession, report_id: int) -> list[DecisionRecord]:
    rows = (await session.execute(
        select(TriageDecision).where(col(TriageDecision.report_id) == report_id).order_by(col(TriageDecision.id))
    )).scalars().all()
    return [_decision(r) for r in rows]


async def approve_announcement(session: AsyncSession, decision_id: int, *, approver: str, now: datetime) -> bool:
    """pending → approved, once; a second approval (or a concurrent one) changes nothing."""
    result = await session.execute(
        update(TriageDecision)
        .where(col(TriageDecision.id) == decision_id, col(TriageDecision.announcement_state) == "pending")
        .values(announcement_state="approved", approved_by_sealed=SEAL.seal(approver), approved_at=now)
    )
    return bool(rowcount(result))


async def add_ban(session: AsyncSession, *, report_id: int, decision_id: int, now: datetime, outcome: str,
                  subjects: tuple[str, ...], scope: str, ends_at: datetime | None) -> int:
    row = TriageBan(report_id=report_id, decision_id=decision_id, created_at=now, outcome=outcome,
                    subjects_sealed=SEAL.seal(list(subjects)), scope_sealed=SEAL.seal(scope), ends_at=ends_at)
    session.add(row)
    await session.flush()
    assert row.id is not None
    return row.id


def _ban(r: TriageBan) -> BanRecord:
    assert r.id is not None
    return BanRecord(r.id, r.report_id, r.decision_id, r.created_at, r.outcome,
                     tuple(SEAL.unseal(r.subjects_sealed)), SEAL.unseal(r.scope_sealed), r.ends_at)


async def bans_for(session: AsyncSession, report_id: int) -> list[BanRecord]:
    rows = (await session.execute(
        select(TriageBan).where(col(TriageBan.report_id) == report_id).order_by(col(TriageBan.id)))).scalars().all()
    return [_ban(r) for r in rows]


async def active_bans(session: AsyncSession, now: datetime) -> list[BanRecord]:
    """Bans in force at `now` (permanent ones included), soonest ending first: the review list."""
    rows = (await session.execute(
        select(TriageBan).where((col(TriageBan.ends_at).is_(None)) | (col(TriageBan.ends_at) > now))
        .order_by(col(TriageBan.ends_at).is_(None), col(TriageBan.ends_at), col(TriageBan.id))
    )).scalars().all()
    return [_ban(r) for r in rows]


async def decision_by_key(session: AsyncSession, key: str) -> DecisionRecord | None:
    row = (await session.execute(
        select(TriageDecision).where(col(TriageDecision.idempotency_key) == key))).scalars().first()
    return None if row is None else _decision(row)


async def report_id_for_entry(session: AsyncSession, entry_id: int) -> int | None:
    return (await session.execute(
        select(col(TriageEntry.report_id)).where(col(TriageEntry.id) == entry_id))).scalar_one_or_none()


async def report_id_for_decision(session: AsyncSession, decision_id: int) -> int | None:
    return (await session.execute(
        select(col(TriageDecision.report_id)).where(col(TriageDecision.id) == decision_id))).scalar_one_or_none()


# ---- what was posted where (for marking a case's old messages "moved") ----

async def posted_messages(session: AsyncSession, report_id: int, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(channel, ts) of every delivered outbox row of these kinds for the report, oldest first."""
    from cocbot.storage.models import OutboxItem

    rows = (await session.execute(
        select(col(OutboxItem.result_sealed)).where(col(OutboxItem.report_id) == report_id,
                                                    col(OutboxItem.status) == "done",
                                               col(OutboxItem.kind).in_(kinds)).order_by(col(OutboxItem.id)))).scalars().all()
    out: list[tuple[str, str]] = []
    for raw in rows:
        result = SEAL.unseal(raw)
        if isinstance(result, dict) and result.get("channel") and result.get("ts"):
            out.append((str(result["channel"]), str(result["ts"])))
    return out


# ---- recusals ----

async def add_recusal(session: AsyncSession, *, report_id: int, member: str, now: datetime,
                      from_channel: str | None) -> int:
    row = TriageRecusal(report_id=report_id, at=now, member_sealed=SEAL.seal(member), from_channel=from_channel)
    session.add(row)
    await session.flush()
    assert row.id is not None
    return row.id


async def all_bans(session: AsyncSession) -> list[tuple[str, BanRecord]]:
    """Every recorded ban with its report's reference, newest first (the review list with --all)."""
    rows = (await session.execute(
        select(TriageBan, col(Report.ref)).join(Report, col(Report.id) == col(TriageBan.report_id))
        .order_by(col(TriageBan.id).desc())
    )).all()
    return [(str(ref), _ban(ban)) for ban, ref in rows]
