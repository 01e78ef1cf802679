"""The purge on both engines: which cases and drafts go, that a purged case leaves no content in any table,
the dry run, keepers and added parts, the daily row claimed once by two workers, and the raw bytes of the
SQLite files afterwards."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import Retention, parse_config
from cocbot.bot.messenger import Messenger, Messengers
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.retention.delivery import PURGE, RetentionDelivery, purge_key
from cocbot.bot.retention.service import CLOSE_SPACE, DELETE_POST, Purge
from cocbot.storage import reports as reports_q
from cocbot.storage import retention as retention_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.retention import Due
from tests.bot.retention.support import NOW, clock, outbox_rows, seed_case
from tests.harness import config_dict

MARKER = "ZQXMARKERQZX"


def test_retention_config_defaults_and_durations() -> None:
    r = Retention()
    assert (r.closed_reports, r.unsubmitted_drafts, r.consultations, r.ended_bans) == (
        timedelta(days=730), timedelta(days=1), timedelta(days=30), timedelta(days=365))
    config = parse_config({**config_dict(), "retention": {"closed_reports": "never", "unsubmitted_drafts": "30s",
                                                          "consultations": "12h", "ended_bans": "2w"}})
    assert config.retention == Retention(closed_reports=None, unsubmitted_drafts=timedelta(seconds=30),
                                         consultations=timedelta(hours=12), ended_bans=timedelta(weeks=2))
    # Written back as the config writes it, so a dumped config (`cocbot scenarios check`) reads the same.
    assert config.retention.model_dump(mode="json") == {"closed_reports": "never", "unsubmitted_drafts": "30s",
                                                        "consultations": "12h", "ended_bans": "14d"}
    assert Retention.model_validate(Retention().model_dump(mode="json")) == Retention()
    for bad in ({"unsubmitted_drafts": "never"}, {"closed_reports": "soon"}, {"ended_bans": "0d"}):
        with pytest.raises(Exception, match="retention"):
            parse_config({**config_dict(), "retention": bad})


# (name, state, closed days ago, ban: None | "permanent" | days since it ended, purged with the defaults)
RULES: list[tuple[str, str, float | None, str | float | None, bool]] = [
    ("closed long ago", "closed", 800, None, True),
    ("closed just past 730 days", "closed", 731, None, True),
    ("closed recently", "closed", 700, None, False),
    ("open for years", "in_progress", None, None, False),
    ("decided but not closed", "decided", None, None, False),
    ("closed, ban in force for ever", "closed", 800, "permanent", False),
    ("closed, ban ended 400 days ago", "closed", 800, 400, True),
    ("closed, ban ended 100 days ago", "closed", 800, 100, False),
    ("closed, ban still running", "closed", 800, -30, False),
]


async def test_purge_rules(db: Database) -> None:
    refs = {}
    for n, (name, state, closed, ban, _) in enumerate(RULES):
        _, refs[name] = await seed_case(db, n, MARKER, state=state, closed_days_ago=closed,
                                        permanent_ban=ban == "permanent",
                                        ban_ended_days_ago=ban if isinstance(ban, (int, float)) else None)
    result = await Purge(db, Retention(), clock()).run()
    assert result.counts == {"closed_reports": sum(1 for *_, purged in RULES if purged), "unsubmitted_drafts": 0}
    async with db.transaction() as s:
        purged = {name for name, ref in refs.items() if await retention_q.purged_at(s, ref) is not None}
    assert purged == {name for name, *_, expected in RULES if expected}
    # Nothing is due any more: a second run purges nothing.
    assert (await Purge(db, Retention(), clock()).run()).total == 0


async def test_never_keeps_closed_reports(db: Database) -> None:
    await seed_case(db, 1, MARKER, closed_days_ago=5000)
    purge = Purge(db, Retention(closed_reports=None), clock())
    assert await purge.dry_run() == []
    assert (await purge.run()).total == 0


async def _texts_everywhere(db: Database) -> str:
    """Every value of every table, as text (content is sealed in plain JSON here: no content keys)."""
    out = []
    async with db.transaction() as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await s.execute(select(table))).all():
                out.append(f"{table.name}: {tuple(row)}")
    return "\n".join(out)


async def test_a_purged_case_leaves_no_content_in_any_table(db: Database) -> None:
    rid, ref = await seed_case(db, 1, MARKER)
    kept_id, kept_ref = await seed_case(db, 2, "KEPTCASE", closed_days_ago=10)
    assert MARKER in await _texts_everywhere(db)
    result = await Purge(db, Retention(), clock()).run()
    assert result.counts["closed_reports"] == 1 and result.scrubbed in ("checkpointed", "vacuumed")
    everything = await _texts_everywhere(db)
    assert MARKER not in everything
    assert "KEPTCASE" in everything  # the other case is untouched
    async with db.transaction() as s:
        report = await reports_q.get_report(s, rid)
        assert report is not None and report.ref == ref and report.state == "closed"
        assert (report.description, report.reporter, report.implicated, report.owner, report.space_channel) == (
            "", "", (), None, None)
        assert await reports_q.addenda_for(s, rid) == []
        assert await triage_q.entries_for(s, rid) == [] and await triage_q.decisions_for(s, rid) == []
        # The audit rows stay, without who or what.
        [entry] = await triage_q.audit_for(s, rid)
        assert (entry.action, entry.actor, entry.detail) == ("acknowledge", None, {})
        assert await retention_q.purged_at(s, ref) == NOW
        assert await retention_q.purged_at(s, kept_ref) is None
        assert len(await triage_q.entries_for(s, kept_id)) == 1
    rows = await outbox_rows(db)
    # The case's own rows are gone (the reporter's confirmation, the pending reminder); the committee-space
    # posts, in the current space, are queued for deletion and the private space for archiving.
    assert not [k for k, *_ in rows if k.startswith(f"report:{rid}:")]
    deletions = sorted((p["channel"], p["ts"]) for _, kind, _, p in rows if kind == DELETE_POST)
    assert deletions == [("G0001", "100.1"), ("G0001", "100.3")]
    assert [p for _, kind, _, p in rows if kind == CLOSE_SPACE] == [{"platform": "slack", "channel": "G0001"}]
    assert [k for k, *_ in rows if k.startswith(f"report:{kept_id}:")]


async def test_dry_run_lists_references_and_dates_without_deleting(db: Database) -> None:
    _, ref = await seed_case(db, 1, MARKER)
    await seed_case(db, 2, MARKER, closed_days_ago=3)
    async with db.transaction() as s:
        await reports_q.save_flag_draft(s, view_id="V1", channel="C1", ts="1.1", author="UAUTH", text=MARKER,
                                        now=NOW - timedelta(days=2))
        await reports_q.save_flag_draft(s, view_id="V2", channel="C1", ts="1.2", author="UAUTH", text=MARKER,
                                        now=NOW - timedelta(hours=2))
    before = await _texts_everywhere(db)
    due = await Purge(db, Retention(), clock()).dry_run()
    assert [(part, d.what, d.ref, d.at) for part, d in due] == [
        ("closed_reports", "case", ref, NOW - timedelta(days=800)),
        ("unsubmitted_drafts", "draft", "-", NOW - timedelta(days=2))]
    assert await _texts_everywhere(db) == before
    result = await Purge(db, Retention(), clock()).run()
    assert result.counts == {"closed_reports": 1, "unsubmitted_drafts": 1}
    async with db.transaction() as s:
        assert await reports_q.get_flag_draft(s, "V2", saved_since=NOW - timedelta(days=1)) is not None
        assert await reports_q.get_flag_draft(s, "V1", saved_since=NOW - timedelta(days=30)) is None


async def test_drafts_follow_retention_unsubmitted_drafts(db: Database) -> None:
    async with db.transaction() as s:
        await reports_q.save_flag_draft(s, view_id="V1", channel="C1", ts="1.1", author=None, text="x",
                                        now=NOW - timedelta(seconds=45))
    assert (await Purge(db, Retention(unsubmitted_drafts=timedelta(minutes=1)), clock()).run()).total == 0
    assert (await Purge(db, Retention(unsubmitted_drafts=timedelta(seconds=30)), clock()).run()).total == 1


async def test_keepers_see_the_cases_intact_and_added_parts_are_purged_alike(db: Database) -> None:
    closed_id, _ = await seed_case(db, 1, MARKER)
    held_id, held_ref = await seed_case(db, 2, MARKER, state="new", closed_days_ago=None)
    seen: list[tuple[list[int], list[str]]] = []

    async def keeper(session: AsyncSession, ids: list[int], now: datetime) -> None:
        reports = await reports_q.get_reports(session, set(ids))
        seen.append((ids, [reports[i].description for i in ids]))

    @dataclasses.dataclass(frozen=True)
    class HeldReports:
        name: str = "held_reports"

        async def due(self, session: AsyncSession, now: datetime, limit: int | None,
                      after: Due | None = None) -> list[Due]:
            if await retention_q.purged_at(session, held_ref) is not None:
                return []
            return [Due("case", held_ref, now, id=held_id)]

        async def purge(self, session: AsyncSession, due: list[Due], now: datetime) -> int:
            return 0

    purge = Purge(db, Retention(), clock())
    purge.add_keeper(keeper)
    purge.add_part(HeldReports())
    with pytest.raises(ValueError):
        purge.add_part(HeldReports())
    assert [(p, d.ref) for p, d in await purge.dry_run()][-1] == ("held_reports", held_ref)
    result = await purge.run()
    assert result.counts == {"closed_reports": 1, "unsubmitted_drafts": 0, "held_reports": 1}
    assert seen == [([closed_id], [f"what happened {MARKER}"]), ([held_id], [f"what happened {MARKER}"])]
    assert MARKER not in await _texts_everywhere(db)


async def test_purges_in_batches(db: Database) -> None:
    for n in range(7):
        await seed_case(db, n, MARKER)
    calls: list[int] = []

    async def keeper(session: AsyncSession, ids: list[int], now: datetime) -> None:
        calls.append(len(ids))

    purge = Purge(db, Retention(), clock(), batch=3)
    purge.add_keeper(keeper)
    assert (await purge.run()).counts["closed_reports"] == 7
    assert calls == [3, 3, 1]


class _Eraser:
    platform = "slack"

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    async def delete_post(self, channel: str, ts: str) -> None:
        self.calls.append(("delete", channel, ts))

    async def close_space(self, channel: str) -> None:
        self.calls.append(("close", channel))


def _worker(db: Database, eraser: _Eraser, c: ManualClock | None = None) -> tuple[OutboxWorker, RetentionDelivery]:
    c = c or clock()
    worker = OutboxWorker(db, c, lease_seconds=30)
    delivery = RetentionDelivery(db, Purge(db, Retention(), c, worker.notify), Messengers(cast(Messenger, eraser)), c)
    delivery.register(worker)
    return worker, delivery


async def test_the_daily_purge_is_an_outbox_row_that_queues_the_next(db: Database) -> None:
    await seed_case(db, 1, MARKER)
    eraser, c = _Eraser(), clock()
    worker, delivery = _worker(db, eraser, c)
    assert await delivery.schedule_at_start()
    assert not await delivery.schedule_at_start()  # a restart the same day: still one row
    await worker.drain()
    rows = {k: (kind, status) for k, kind, status, _ in await outbox_rows(db)}
    assert rows[purge_key(NOW)] == (PURGE, "done")
    assert rows[purge_key(NOW + timedelta(days=1))] == (PURGE, "pending")
    # The deletions are paced (due one after another), the space archived after them.
    assert eraser.calls == [("delete", "G0001", "100.1")]
    c.advance(seconds=2)
    await worker.drain()
    assert eraser.calls[1:] == [("delete", "G0001", "100.3")]
    c.advance(seconds=60)
    await worker.drain()
    assert eraser.calls[2:] == [("close", "G0001")]
    assert MARKER not in await _texts_everywhere(db)


async def test_two_workers_purge_once(postgres_url: str) -> None:
    """Two replicas (their own engines and workers) start together: one purge runs, one day's row."""
    dbs = [Database(postgres_url), Database(postgres_url)]
    try:
        await dbs[0].create_schema()
        for n in range(5):
            await seed_case(dbs[0], n, MARKER)
        runs: list[int] = []
        workers = []
        for db in dbs:
            worker, delivery = _worker(db, _Eraser())

            async def keeper(session: AsyncSession, ids: list[int], now: datetime) -> None:
                runs.append(len(ids))

            delivery.purge.add_keeper(keeper)
            workers.append(worker)
            assert isinstance(await delivery.schedule_at_start(), bool)
        await asyncio.gather(*(w.drain() for w in workers))
        assert runs == [5]
        rows = [(k, status) for k, kind, status, _ in await outbox_rows(dbs[0]) if kind == PURGE]
        assert rows == [(purge_key(NOW), "done"), (purge_key(NOW + timedelta(days=1)), "pending")]
    finally:
        for db in dbs:
            await db.dispose()


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


async def test_no_purged_bytes_remain_in_the_sqlite_files(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cocbot.sqlite3"
    # Several cases, so content spans pages and overflow; the kept one shows the check can see content.
    for n in range(20):
        await seed_case(sqlite_db, n, MARKER)
    await seed_case(sqlite_db, 99, "KEPTMARKER", closed_days_ago=1)
    async with sqlite_db.transaction() as s:
        await reports_q.save_flag_draft(s, view_id="V1", channel="C1", ts="1.1", author="UAUTH",
                                        text=f"draft {MARKER}", now=NOW - timedelta(days=3))
    assert MARKER.encode() in _raw(path)
    result = await Purge(sqlite_db, Retention(), clock()).run()
    assert result.scrubbed == "checkpointed"
    raw = _raw(path)
    assert MARKER.encode() not in raw
    assert b"KEPTMARKER" in raw
    async with sqlite_db.transaction() as s:
        assert (await s.execute(text("PRAGMA secure_delete"))).scalar_one() == 1


async def test_postgres_is_vacuumed_after_a_purge(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        await db.create_schema()
        await seed_case(db, 1, MARKER)
        # VACUUM refuses to run inside a transaction block: this shows it ran outside one, on every table.
        assert (await Purge(db, Retention(), clock()).run()).scrubbed == "vacuumed"
    finally:
        await db.dispose()


async def test_the_purges_statements_run_off_the_event_loops_thread(sqlite_db: Database) -> None:
    """On SQLite a batch's statements are handed to the connection's thread: a `/report` served meanwhile waits
    for the Python side of one statement at most, not for a whole batch of deletions."""
    import threading

    for n in range(2):
        await seed_case(sqlite_db, n, MARKER)
    threads: list[int] = []

    async def keeper(session: AsyncSession, ids: list[int], now: datetime) -> None:
        sync = (await session.connection()).sync_connection
        assert sync is not None and sync.connection.dbapi_connection is not None
        await sync.connection.dbapi_connection.driver_connection.create_function("thread_id", 0, threading.get_ident)
        threads.append((await session.execute(text("SELECT thread_id()"))).scalar_one())

    purge = Purge(sqlite_db, Retention(), clock())
    purge.add_keeper(keeper)
    assert (await purge.run()).counts["closed_reports"] == 2
    assert threads and threading.get_ident() not in threads


def test_batches_are_sized_to_their_time_box() -> None:
    from cocbot.bot.retention.service import MIN_BATCH, TIME_BOX

    purge = Purge(cast(Database, None), Retention(), clock(), batch=500)
    box = TIME_BOX.total_seconds()
    assert purge._next_size(100, 100, box / 10) == 200  # quick: doubles at most
    assert purge._next_size(400, 400, box / 10) == 500  # never past the purge's batch
    assert purge._next_size(100, 100, box * 1.25) == 80  # a little slow: what fits
    assert purge._next_size(100, 100, box * 10) == 50  # very slow: halves at most
    assert purge._next_size(MIN_BATCH, MIN_BATCH, box * 10) == MIN_BATCH
    assert purge._next_size(100, 40, box * 10) == 100  # the last, partial batch says nothing
