"""Who is named in which report, as keyed hashes (never names), so earlier cases and held reports naming
the same person are found with one indexed query instead of unsealing every stored report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import Index, Integer, bindparam, delete, func, insert, select
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


async def index_people(session: AsyncSession, report_id: int, people: Iterable[str], *, fresh: bool = False,
                       guards: list[dict[str, Any]] | None = None) -> None:
    """Index the people of a report under the current key (a repeat for the same report adds nothing).
    `fresh`: the report was stored in this very transaction, so it has no entries yet (one statement less
    on the intake path). `guards`: its `guard_rows`, written in the same statement."""
    keys = sorted({SEAL.person_keys(p)[0] for p in people if p})
    if not keys:
        return
    have = set() if fresh else set((await session.execute(select(col(ReportPerson.person_key)).where(
        col(ReportPerson.report_id) == report_id))).scalars().all())
    rows = [{"report_id": report_id, "person_key": k} for k in keys if k not in have] + (guards or [])
    if rows:  # Core, not ORM objects: on the intake path of every report naming someone
        await session.execute(_insert_person(), rows)


@cache
def _insert_person() -> Any:
    from cocbot.storage.queries import table_of

    return insert(table_of(ReportPerson))


async def forget_people(session: AsyncSession, report_id: int) -> None:
    await session.execute(delete(ReportPerson).where(col(ReportPerson.report_id) == report_id))


async def forget_cases(session: AsyncSession, report_ids: list[int]) -> None:
    """The index entries of cases the purge removes: a purged case is never an earlier case again."""
    if report_ids:
        await session.execute(delete(ReportPerson).where(col(ReportPerson.report_id).in_(report_ids)))


# Who may not read a case and who alone may, indexed beside who it names but under keys of their own kind
# (a person kept out of a case is not "named" in it): the earlier-cases check reads them instead of unsealing
# each case. The value is hex-encoded so case is kept (person_keys lowercases: Slack ids are upper case).
KEPT_OUT, READER, INDEXED = "k", "r", "x"


def _role_keys(role: str, value: str) -> list[str]:
    return SEAL.person_keys(f"{role}:{value.encode().hex()}")


def _marker(digest: str, chosen: bool) -> str:
    return f"{digest}:{int(chosen)}"


async def index_guards(session: AsyncSession, report_id: int, *, kept_out: Iterable[str], readers: Iterable[str],
                       digest: str) -> None:
    """Index who a case keeps out besides the people it names (excluded, recused), its chosen readers, and a
    marker saying both are indexed, under the identity map whose `digest` is given (a case indexed under
    another map is checked from its sealed record instead)."""
    await session.execute(_insert_person(), guard_rows(report_id, kept_out=kept_out, readers=readers, digest=digest))


def guard_rows(report_id: int, *, kept_out: Iterable[str], readers: Iterable[str], digest: str) -> list[dict[str, Any]]:
    chosen = sorted({p for p in readers if p})
    keys = {_role_keys(KEPT_OUT, p)[0] for p in kept_out if p}
    keys |= {_role_keys(READER, p)[0] for p in chosen}
    keys.add(_role_keys(INDEXED, _marker(digest, bool(chosen)))[0])
    return [{"report_id": report_id, "person_key": k} for k in sorted(keys)]


@dataclass(frozen=True)
class Guard:
    """What the index says of one case about the people asked: those it names or keeps out (`blocked`), those
    among its chosen readers (`readers`); `chosen`: the reporter chose its readers; `indexed`: all of this is
    known (else the sealed record decides)."""

    indexed: bool = False
    chosen: bool = False
    blocked: frozenset[str] = frozenset()
    readers: frozenset[str] = frozenset()


def guard_meaning(people: Iterable[str], digest: str) -> dict[str, set[tuple[str, str]]]:
    """Each index key worth asking about a case for `people`, and what finding it means. A set per key: two
    identities differing only in case ("UA1" on Slack, "ua1" on the forum) share the named key, and each
    must count as blocked."""
    meaning: dict[str, set[tuple[str, str]]] = {}
    for p in {p for p in people if p}:
        for k in SEAL.person_keys(p) + _role_keys(KEPT_OUT, p):
            meaning.setdefault(k, set()).add(("blocked", p))
        for k in _role_keys(READER, p):
            meaning.setdefault(k, set()).add(("reader", p))
    for chosen in (False, True):
        for k in _role_keys(INDEXED, _marker(digest, chosen)):
            meaning.setdefault(k, set()).add(("chosen" if chosen else "indexed", ""))
    return meaning


def guard_of(keys: Iterable[str], meaning: dict[str, set[tuple[str, str]]]) -> Guard:
    """The guard of one case from the index keys found for it among those of `meaning` (`guard_meaning`)."""
    found: dict[str, set[str]] = {}
    for key in keys:
        for what, person in meaning.get(key, ()):
            found.setdefault(what, set()).add(person)
    return Guard(indexed="indexed" in found or "chosen" in found, chosen="chosen" in found,
                 blocked=frozenset(found.get("blocked", ())), readers=frozenset(found.get("reader", ())))


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
    from cocbot.storage.holds import HoldState, ReportHold
    from cocbot.storage.models import Report
    from cocbot.storage.queries import table_of

    table = table_of(Report)
    holds = table_of(ReportHold)
    keys: Any = bindparam("keys", expanding=True)
    ids = (select(col(ReportPerson.report_id)).where(col(ReportPerson.person_key).in_(keys))
           .order_by(col(ReportPerson.report_id).desc()).limit(limit * 2))
    if excluding:
        ids = ids.where(col(ReportPerson.report_id) != bindparam("other"))
    # Each report's hold read by its key, as a subquery per report: joined, PostgreSQL's cached plan hashed
    # every hold ever made (one per report ever held) to find those of the handful of reports naming someone.
    hold = select(holds.c.state).where(holds.c.report_id == table.c.id).scalar_subquery()
    stmt = (select(table, hold.label("hold_state")).where(table.c.id.in_(ids.scalar_subquery()))
            .order_by(table.c.id.desc()).limit(limit))
    if held_only:
        stmt = stmt.where(hold == HoldState.HELD)
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
    # On the connection: a Core statement needs none of the ORM's result processing (on every new report).
    rows = (await (await session.connection()).execute(
        _naming_statement(limit, other_than is not None, held_only), params)).all()
    return [Named(_record(row), row.hold_state) for row in rows]


@dataclass(frozen=True)
class CaseBan:
    """A ban in force decided on a candidate case, its subjects still sealed: they are unsealed only for a case
    that is listed with a ban as its outcome."""

    id: int
    ends_at: datetime | None
    subjects_sealed: str


@dataclass(frozen=True)
class Candidate:
    """A visible case naming one of the people looked up: its plain columns, its last decision, what its
    index says about the people asked (nothing unsealed), and the bans in force decided on it."""

    id: int
    ref: str
    state: str
    created_at: datetime
    platform: str
    space_kind: str | None
    outcome: Outcome | None
    guard: Guard
    bans: tuple[CaseBan, ...] = ()


# Bound when no bans are asked for (their rows are then left out).
_NO_BANS = datetime(1970, 1, 1, tzinfo=timezone.utc)


@cache
def _candidates_statement() -> Any:
    from cocbot.storage.holds import HoldState, ReportHold
    from cocbot.storage.models import Report
    from cocbot.storage.queries import table_of

    table = table_of(Report)
    holds = table_of(ReportHold)
    people = table_of(ReportPerson)
    guards = people.alias("guard")
    decisions = table_of(TriageDecision)
    bans = table_of(TriageBan)
    ids = (select(people.c.report_id).where(people.c.person_key.in_(bindparam("keys", expanding=True)),
                                            people.c.report_id != bindparam("other"))
           .order_by(people.c.report_id.desc()).limit(bindparam("limit", type_=Integer)))

    def latest(column: Any) -> Any:
        return (select(column).where(decisions.c.report_id == table.c.id).order_by(decisions.c.id.desc())
                .limit(1).scalar_subquery())

    # Each case's index entries joined into one string (hex keys, space-separated): one row per case (and ban
    # in force, nearly always none) instead of one per entry, which is what reading the rows costs. The cases,
    # their last decisions, what may be listed and the bans to show: one statement, no follow-up per case. The
    # entries are matched to the people asked here, not in SQL: a list of their keys as parameters costs more to
    # send than the few entries cost to read.
    entries = (select(func.aggregate_strings(guards.c.person_key, " ")).where(guards.c.report_id == table.c.id)
               .scalar_subquery())
    return (select(table.c.id, table.c.ref, table.c.state, table.c.created_at, table.c.platform, table.c.space_kind,
                   latest(decisions.c.outcome).label("outcome"), latest(decisions.c.at).label("outcome_at"),
                   entries.label("entries"), bans.c.id.label("ban_id"), bans.c.ends_at.label("ban_ends_at"),
                   bans.c.subjects_sealed.label("ban_subjects"))
            .select_from(table.outerjoin(holds, holds.c.report_id == table.c.id)
                         .outerjoin(bans, (bans.c.report_id == table.c.id)
                                    & (bans.c.ends_at.is_(None) | (bans.c.ends_at > bindparam("now")))))
            .where(table.c.id.in_(ids.scalar_subquery()),
                   holds.c.state.is_(None) | holds.c.state.not_in(HoldState.HIDDEN))
            .order_by(table.c.id.desc()))


async def cases_naming(session: AsyncSession, people: Iterable[str], *, other_than: int, limit: int,
                       asked: Iterable[str], digest: str, now: datetime | None = None) -> list[Candidate]:
    """The newest (at most `limit`) visible cases (not held, withdrawn or expired) naming any of `people`,
    newest first, each with what its index says about the people `asked` (a new case's readers) under the
    identity map `digest`, and the bans decided on it still in force at `now` (none asked: no bans)."""
    keys = _all_keys(people)
    if not keys:
        return []
    # On the connection: a Core statement needs none of the ORM's result processing.
    rows = (await (await session.connection()).execute(_candidates_statement(), {
        "keys": keys, "other": other_than, "limit": limit * 2, "now": now or _NO_BANS})).all()
    if not rows:
        return []
    readers = frozenset(p for p in asked if p)
    meaning: dict[str, set[tuple[str, str]]] = SEAL.derived(("guard_meaning", readers, digest),
                                                            lambda: guard_meaning(readers, digest))
    cases: dict[int, Any] = {}
    banned: dict[int, list[CaseBan]] = {}
    for row in rows:
        rid = int(row.id)
        cases.setdefault(rid, row)
        if row.ban_id is not None and now is not None:
            banned.setdefault(rid, []).append(CaseBan(int(row.ban_id), row.ban_ends_at, row.ban_subjects))
    return [Candidate(rid, r.ref, r.state, r.created_at, r.platform, r.space_kind,
                      Outcome(str(r.outcome), r.outcome_at) if r.outcome is not None else None,
                      guard_of((r.entries or "").split(), meaning),
                      tuple(sorted(banned.get(rid, ()), key=lambda b: b.id)))
            for rid, r in list(cases.items())[:limit]]
