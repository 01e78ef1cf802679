"""Queries for reports, their addenda and flag snapshots. Content is sealed/unsealed here only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cocbot.storage.content import SEAL
from cocbot.storage.models import FlagDraft, Report, ReportAddendum
from cocbot.storage.queries import insert_ignoring_duplicates, rowcount, table_of


@dataclass(frozen=True)
class NewReport:
    idempotency_key: str
    platform: str
    source: str
    anonymity: str
    reporter: str
    description: str
    when: str = ""
    where_channel: str | None = None
    where_text: str = ""
    implicated: tuple[str, ...] = ()
    implicated_other: str = ""
    witnesses: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    ongoing: str = "unsure"
    danger: bool = False
    flagged_channel: str | None = None
    flagged_ts: str | None = None
    flagged_author: str | None = None
    snapshot: str = ""
    # The committee members the reporter chose as the only ones to see it; empty: the whole committee.
    readers: tuple[str, ...] = ()
    # Filed by a facilitator or committee member for someone who told them (a verbal report): who filed it,
    # and the name and contact of a person who is not on the platform.
    filed_by: str | None = None
    on_behalf_other: str = ""
    # The reporter's content warning: the committee's post then keeps the details behind "View report".
    content_warning: str = ""


@dataclass(frozen=True)
class ReportRecord:
    id: int
    ref: str
    platform: str
    source: str
    created_at: datetime
    anonymity: str
    reporter: str
    description: str
    when: str
    where_channel: str | None
    where_text: str
    implicated: tuple[str, ...]
    implicated_other: str
    witnesses: tuple[str, ...]
    excluded: tuple[str, ...]
    ongoing: str
    danger: bool
    flagged_channel: str | None
    flagged_ts: str | None
    flagged_author: str | None
    flagged_permalink: str | None
    snapshot: str
    state: str
    delivery_state: str
    space_kind: str | None
    space_channel: str | None
    space_invited: bool
    message_ts: str | None
    recused: tuple[str, ...] = field(default=())
    owner: str | None = None
    acknowledged_at: datetime | None = None
    decided_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_at: datetime | None = None
    reporter_role: str | None = None
    category: str | None = None
    moving: bool = False
    version: int = 0
    event_mode: bool = False
    readers: tuple[str, ...] = ()
    filed_by: str | None = None
    on_behalf_other: str = ""
    behalf_confirmed: bool = False
    content_warning: str = ""


def _record(row: Any) -> ReportRecord:
    """From a Report or a Core row of the reports table (same attribute names)."""
    content: dict[str, Any] = SEAL.unseal(row.content_sealed)
    people: dict[str, Any] = SEAL.unseal(row.people_sealed)
    reporter: dict[str, Any] = SEAL.unseal(row.reporter_sealed)
    assert row.id is not None and row.ref is not None
    return ReportRecord(
        id=row.id,
        ref=row.ref,
        platform=row.platform,
        source=row.source,
        created_at=row.created_at,
        anonymity=row.anonymity,
        reporter=reporter["user"],
        description=content.get("description", ""),
        when=content.get("when", ""),
        where_channel=row.where_channel,
        where_text=content.get("where_text", ""),
        implicated=tuple(people.get("implicated", ())),
        implicated_other=content.get("implicated_other", ""),
        witnesses=tuple(people.get("witnesses", ())),
        excluded=tuple(people.get("excluded", ())),
        ongoing=row.ongoing,
        danger=row.danger,
        flagged_channel=row.flagged_channel,
        flagged_ts=row.flagged_ts,
        flagged_author=people.get("flagged_author"),
        flagged_permalink=row.flagged_permalink,
        snapshot=content.get("snapshot", ""),
        state=row.state,
        delivery_state=row.delivery_state,
        space_kind=row.space_kind,
        space_channel=row.space_channel,
        space_invited=row.space_invited,
        message_ts=row.message_ts,
        recused=tuple(people.get("recused", ())),
        owner=row.owner,
        acknowledged_at=row.acknowledged_at,
        decided_at=row.decided_at,
        closed_at=row.closed_at,
        reopened_at=row.reopened_at,
        reporter_role=row.reporter_role,
        category=row.category,
        moving=bool(row.moving),
        version=row.version or 0,
        event_mode=bool(row.event_mode),
        readers=tuple(people.get("readers", ())),
        filed_by=people.get("filed_by"),
        on_behalf_other=people.get("on_behalf_other", ""),
        behalf_confirmed=bool(people.get("behalf_confirmed")),
        content_warning=content.get("content_warning", ""),
    )


# Statements on the delivery hot path are built once, with bound parameters, and executed with values:
# building one per call, and computing its cache key, cost more than running it.

@cache
def _insert_returning_id(dialect: str) -> Any:
    table = table_of(Report)
    return (postgresql if dialect == "postgresql" else sqlite).insert(table).on_conflict_do_nothing().returning(
        table.c.id)


@cache
def _set_ref_returning_row() -> Any:
    table = table_of(Report)
    return update(table).where(table.c.id == bindparam("b_id")).values(ref=bindparam("b_ref")).returning(*table.c)


@cache
def _select_by_id() -> Any:
    table = table_of(Report)
    return select(table).where(table.c.id == bindparam("b_id"))


@cache
def _update_by_id(columns: tuple[str, ...], returning: bool) -> Any:
    table = table_of(Report)
    stmt = update(table).where(table.c.id == bindparam("b_id")).values(
        {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
    return stmt.returning(*table.c) if returning else stmt


def _update_params(report_id: int, values: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    unknown = set(values) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable here: {sorted(unknown)}")
    columns = tuple(sorted(values))
    return columns, {"b_id": report_id, **{f"v_{name}": values[name] for name in columns}}


async def create_report(session: AsyncSession, new: NewReport, now: datetime) -> tuple[ReportRecord, bool]:
    """Store a report once per idempotency key; a repeat returns the stored one and False."""
    values = {
        "idempotency_key": new.idempotency_key,
        "platform": new.platform,
        "source": new.source,
        "created_at": now,
        "anonymity": new.anonymity,
        "reporter_sealed": SEAL.seal({"user": new.reporter}),
        "content_sealed": SEAL.seal(
            {
                "description": new.description,
                "when": new.when,
                "where_text": new.where_text,
                "implicated_other": new.implicated_other,
                "snapshot": new.snapshot,
                **({"content_warning": new.content_warning} if new.content_warning else {}),
            }
        ),
        "people_sealed": SEAL.seal(
            {
                "implicated": list(new.implicated),
                "witnesses": list(new.witnesses),
                "excluded": list(new.excluded),
                "flagged_author": new.flagged_author,
                **({"readers": list(new.readers)} if new.readers else {}),
                **({"filed_by": new.filed_by, "on_behalf_other": new.on_behalf_other} if new.filed_by else {}),
            }
        ),
        "where_channel": new.where_channel,
        "ongoing": new.ongoing,
        "danger": new.danger,
        "flagged_channel": new.flagged_channel,
        "flagged_ts": new.flagged_ts,
    }
    dialect = session.bind.dialect if session.bind is not None else None
    if dialect is not None and dialect.insert_returning and dialect.update_returning:
        # Two statements instead of three on every new report: the insert hands back the id and the
        # reference is set and the row read back by one UPDATE … RETURNING.
        new_id = (await session.execute(_insert_returning_id(dialect.name), values)).scalar_one_or_none()
        if new_id is not None:
            row = (await session.execute(_set_ref_returning_row(), {"b_id": new_id, "b_ref": f"R-{new_id:04d}"})
                   ).one()
            return _record(row), True
        result = None
    else:
        result = await session.execute(insert_ignoring_duplicates(session, table_of(Report), values))
    stored = (
        await session.execute(select(Report).where(col(Report.idempotency_key) == new.idempotency_key))
    ).scalar_one()
    created = result is not None and bool(rowcount(result))  # None: RETURNING said the key existed
    if stored.ref is None:
        # The reference comes from the row id so concurrent replicas never hand out the same one.
        stored.ref = f"R-{stored.id:04d}"
        await session.flush()
    return _record(stored), created


async def get_report(session: AsyncSession, report_id: int) -> ReportRecord | None:
    # A Core row, not an ORM object: every delivery reads its report, and a record is all callers get.
    row = (await session.execute(_select_by_id(), {"b_id": report_id})).one_or_none()
    return None if row is None else _record(row)


async def get_reports(session: AsyncSession, report_ids: set[int]) -> dict[int, ReportRecord]:
    """Several reports in one statement, by id (those that exist)."""
    if not report_ids:
        return {}
    table = table_of(Report)
    rows = (await session.execute(select(table).where(table.c.id.in_(sorted(report_ids))))).all()
    return {row.id: _record(row) for row in rows}


async def get_report_by_ref(session: AsyncSession, ref: str) -> ReportRecord | None:
    table = table_of(Report)
    row = (await session.execute(select(table).where(table.c.ref == ref))).one_or_none()
    return None if row is None else _record(row)


async def get_report_by_key(session: AsyncSession, idempotency_key: str) -> ReportRecord | None:
    table = table_of(Report)
    row = (await session.execute(select(table).where(table.c.idempotency_key == idempotency_key))).one_or_none()
    return None if row is None else _record(row)


_UPDATABLE = {
    "state", "delivery_state", "space_kind", "space_channel", "space_invited", "message_ts",
    "flagged_permalink",
    # triage
    "owner", "acknowledged_at", "decided_at", "closed_at", "reopened_at", "reporter_role", "category", "moving",
    "event_mode",
}


async def update_report(session: AsyncSession, report_id: int, **values: Any) -> None:
    columns, params = _update_params(report_id, values)
    await session.execute(_update_by_id(columns, False), params)


async def update_and_get_report(session: AsyncSession, report_id: int, **values: Any) -> ReportRecord | None:
    """`update_report` then `get_report`, as one UPDATE … RETURNING where the database has it."""
    dialect = session.bind.dialect if session.bind is not None else None
    if dialect is None or not dialect.update_returning:
        await update_report(session, report_id, **values)
        return await get_report(session, report_id)
    columns, params = _update_params(report_id, values)
    row = (await session.execute(_update_by_id(columns, True), params)).one_or_none()
    return None if row is None else _record(row)


async def add_recused(session: AsyncSession, report_id: int, user: str) -> bool:
    """Record a recusal among the sealed people of the report; returns False when already recused."""
    row = await session.get(Report, report_id)
    if row is None:
        return False
    people: dict[str, Any] = SEAL.unseal(row.people_sealed)
    recused = list(people.get("recused", ()))
    if user in recused:
        return False
    people["recused"] = recused + [user]
    await session.execute(update(Report).where(col(Report.id) == report_id).values(people_sealed=SEAL.seal(people)))
    return True


async def save_flag_draft(
    session: AsyncSession, *, view_id: str, channel: str, ts: str, author: str | None, text: str, now: datetime
) -> None:
    values = {
        "view_id": view_id,
        "created_at": now,
        "message_sealed": SEAL.seal({"channel": channel, "ts": ts, "author": author}),
        "snapshot_sealed": SEAL.seal({"text": text}),
    }
    await session.execute(insert_ignoring_duplicates(session, table_of(FlagDraft), values))


@dataclass(frozen=True)
class FlagSnapshot:
    channel: str
    ts: str
    author: str | None
    text: str


async def get_flag_draft(session: AsyncSession, view_id: str, *, saved_since: datetime) -> FlagSnapshot | None:
    """The draft saved for this modal, unless it was saved before `saved_since` (expired)."""
    table = table_of(FlagDraft)
    row = (await session.execute(
        select(table.c.message_sealed, table.c.snapshot_sealed)
        .where(table.c.view_id == view_id, table.c.created_at >= saved_since)
    )).one_or_none()
    if row is None:
        return None
    message = SEAL.unseal(row.message_sealed)
    return FlagSnapshot(message["channel"], message["ts"], message["author"], SEAL.unseal(row.snapshot_sealed)["text"])


async def delete_flag_draft(session: AsyncSession, view_id: str) -> None:
    table = table_of(FlagDraft)
    await session.execute(delete(table).where(table.c.view_id == view_id))


async def delete_flag_drafts_before(session: AsyncSession, cutoff: datetime) -> int:
    """Delete the drafts saved before `cutoff`; returns how many."""
    table = table_of(FlagDraft)
    result = await session.execute(delete(table).where(table.c.created_at < cutoff))
    return int(rowcount(result) or 0)


async def add_addendum(
    session: AsyncSession, *, report_id: int, idempotency_key: str, text: str, now: datetime
) -> tuple[int, bool]:
    values = {
        "report_id": report_id,
        "idempotency_key": idempotency_key,
        "created_at": now,
        "content_sealed": SEAL.seal({"text": text}),
    }
    result = await session.execute(insert_ignoring_duplicates(session, table_of(ReportAddendum), values))
    row_id = (
        await session.execute(
            select(col(ReportAddendum.id)).where(col(ReportAddendum.idempotency_key) == idempotency_key)
        )
    ).scalar_one()
    assert row_id is not None  # just written, or found by its key
    return row_id, bool(rowcount(result))


async def get_addendum_text(session: AsyncSession, addendum_id: int) -> str | None:
    row = await session.get(ReportAddendum, addendum_id)
    return None if row is None else SEAL.unseal(row.content_sealed)["text"]


async def addenda_for(session: AsyncSession, report_id: int) -> list[tuple[datetime, str]]:
    """(when, text) of every addendum to the report, oldest first."""
    rows = (await session.execute(
        select(ReportAddendum).where(col(ReportAddendum.report_id) == report_id).order_by(col(ReportAddendum.id))
    )).scalars().all()
    return [(r.created_at, SEAL.unseal(r.content_sealed)["text"]) for r in rows]


async def set_readers(session: AsyncSession, report_id: int, readers: tuple[str, ...]) -> None:
    """Replace the reporter's chosen readers (empty: the whole committee) among the report's sealed people."""
    row = await session.get(Report, report_id)
    if row is None:
        return
    people: dict[str, Any] = SEAL.unseal(row.people_sealed)
    if readers:
        people["readers"] = list(readers)
    else:
        people.pop("readers", None)
    await session.execute(update(Report).where(col(Report.id) == report_id).values(people_sealed=SEAL.seal(people)))


async def confirm_behalf(session: AsyncSession, report_id: int, anonymity: str) -> bool:
    """The person a report was filed for confirmed it, with the anonymity they chose; False if already done."""
    row = await session.get(Report, report_id)
    if row is None:
        return False
    people: dict[str, Any] = SEAL.unseal(row.people_sealed)
    if people.get("behalf_confirmed") or not people.get("filed_by"):
        return False
    people["behalf_confirmed"] = True
    await session.execute(update(Report).where(col(Report.id) == report_id)
                          .values(people_sealed=SEAL.seal(people), anonymity=anonymity))
    return True


async def set_content_warning(session: AsyncSession, report_id: int, text: str) -> bool:
    """Add or replace a report's content warning (sealed with its content); False when the report is gone."""
    row = await session.get(Report, report_id)
    if row is None:
        return False
    content: dict[str, Any] = SEAL.unseal(row.content_sealed)
    content["content_warning"] = text
    await session.execute(update(Report).where(col(Report.id) == report_id)
                          .values(content_sealed=SEAL.seal(content)))
    return True
