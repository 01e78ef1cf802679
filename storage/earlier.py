"""Who is named in which report, as keyed hashes (never names), so earlier cases and held reports naming
the same person are found with one indexed query instead of unsealing every stored report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Index, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import BanRecord, TriageBan, TriageDecision, _ban


class ReportPerson(SQLModel, table=True):
    """One person named in a report (implicated, or the flagged message's author), under every identity
    the identity map gives them. `person_key` is a keyed hash (storage.content person_keys)."""

    __tablename__ = "report_people"
    __table_args__ = (Index("ix_report_people_person", "person_key", "report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    person_key: str = Field(max_length=40)


async def index_people(session: AsyncSession, report_id: int, people: Iterable[str], *, fresh: bool = False) -> None:
    """Index the people of a report under the current key (a repeat for the same report adds nothing).
    `fresh`: the report was stored in this very transaction, so it has no entries yet (one statement less
    on the intake path)."""
    keys = sorted({SEAL.person_keys(p)[0] for p in people if p})
    if not keys:
        return
    have = set() if fresh else set((await session.execute(select(col(ReportPerson.person_key)).where(
        col(ReportPerson.report_id) == report_id))).scalars().all())
    rows = [{"report_id": report_id, "person_key": k} for k in keys if k not in have]
    if rows:  # Core, not ORM objects: on the intake path of every report naming someone
        await session.execute(_insert_person(), rows)


@cache
def _insert_person() -> Any:
    from cocbot.storage.queries import table_of

    return insert(table_of(ReportPerson))


async def forget_people(session: AsyncSession, report_id: int) -> None:
    await session.execute(delete(ReportPerson).where(col(ReportPerson.report_id) == report_id))


def _all_keys(people: Iterable[str]) -> list[str]:
    return sorted({k for p in people if p for k in SEAL.person_keys(p)})


async def reports_naming(session: AsyncSession, people: Iterable[str], *, escrow: bool,
                         other_than: int | None = None) -> list[int]:
    """Ids of the reports naming any of `people` (oldest first): the held ones (`escrow`) or the others."""
    keys = _all_keys(people)
    if not keys:
        return []
    from cocbot.storage.holds import HoldState, ReportHold

    stmt = (select(col(ReportPerson.report_id)).distinct()
            .outerjoin(ReportHold, col(ReportHold.report_id) == col(ReportPerson.report_id))
            .where(col(ReportPerson.person_key).in_(keys))
            .order_by(col(ReportPerson.report_id)))
    if escrow:
        stmt = stmt.where(col(ReportHold.state) == HoldState.HELD)
    else:
        stmt = stmt.where(col(ReportHold.state).is_(None) | col(ReportHold.state).not_in(HoldState.HIDDEN))
    if other_than is not None:
        stmt = stmt.where(col(ReportPerson.report_id) != other_than)
    return [int(r) for r in (await session.execute(stmt)).scalars().all()]


@dataclass(frozen=True)
class Outcome:
    outcome: str
    at: datetime


@cache
def _outcomes_statement() -> Any:
    return (select(col(TriageDecision.report_id), col(TriageDecision.outcome), col(TriageDecision.at))
            .where(col(TriageDecision.report_id).in_(bindparam("ids", expanding=True)))
            .order_by(col(TriageDecision.id)))


async def latest_outcomes(session: AsyncSession, report_ids: Iterable[int]) -> dict[int, Outcome]:
    """The last decision of each report (those decided)."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    rows = (await session.execute(_outcomes_statement(), {"ids": ids})).all()
    return {int(rid): Outcome(str(outcome), at) for rid, outcome, at in rows}


async def bans_in_force(session: AsyncSession, report_ids: Iterable[int], now: datetime) -> list[BanRecord]:
    """The bans in force decided on these reports (permanent ones included)."""
    ids = sorted(set(report_ids))
    if not ids:
        return []
    rows = (await session.execute(
        select(TriageBan).where(col(TriageBan.report_id).in_(ids),
                                col(TriageBan.ends_at).is_(None) | (col(TriageBan.ends_at) > now))
        .order_by(col(TriageBan.id)))).scalars().all()
    return [_ban(r) for r in rows]


@dataclass(frozen=True)
class Named:
    """A report naming one of the people looked up, and its hold's state (None: never held)."""

    report: ReportRecord
    hold: str | None


@cache
def _naming_statement(limit: int, excluding: bool, held_only: bool = False) -> Any:
    # Built once per shape, values bound at each call: building and caching a statement per call costs
    # more than running it.
    from cocbot.storage.holds import ReportHold
    from cocbot.storage.models import Report
    from cocbot.storage.queries import table_of

    table = table_of(Report)
    keys: Any = bindparam("keys", expanding=True)
    ids = (select(col(ReportPerson.report_id)).where(col(ReportPerson.person_key).in_(keys))
           .order_by(col(ReportPerson.report_id).desc()).limit(limit * 2))
    if excluding:
        ids = ids.where(col(ReportPerson.report_id) != bindparam("other"))
    stmt = (select(table, col(ReportHold.state).label("hold_state"))
            .outerjoin(ReportHold, col(ReportHold.report_id) == table.c.id)
            .where(table.c.id.in_(ids.scalar_subquery())).order_by(table.c.id.desc()).limit(limit))
    if held_only:
        from cocbot.storage.holds import HoldState

        stmt = stmt.where(col(ReportHold.state) == HoldState.HELD)
    return stmt


async def reports_naming_people(session: AsyncSession, people: Iterable[str], *, other_than: int | None = None,
                                limit: int = 50, held_only: bool = False) -> list[Named]:
    """The newest `limit` reports naming any of `people`, held or not, read in one statement (the check a new
    report makes: held ones to release, the others as earlier cases).

    `held_only`: only the held ones among them. Intake's match check wants nothing else, and unsealing every
    earlier case naming a busy person on each new report cost more than the rest of the intake."""
    from cocbot.storage.reports import _record

    keys = _all_keys(people)
    if not keys:
        return []
    params: dict[str, Any] = {"keys": keys}
    if other_than is not None:
        params["other"] = other_than
    rows = (await session.execute(_naming_statement(limit, other_than is not None, held_only), params)).all()
    return [Named(_record(row), row.hold_state) for row in rows]
