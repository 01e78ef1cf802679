#!/usr/bin/env python3
"""The retention purge at scale: N closed cases in a fresh SQLite database, all past `retention.closed_reports`,
purged by the running bot while it serves `/report`; prints one JSON line of figures.

    .venv/bin/python bench/purge.py                 # 100,000 cases (targets: the purge under 60 s, /report's
                                                    # p99 during it within 2x its idle p99)
    .venv/bin/python bench/purge.py --cases 20000
    .venv/bin/python bench/purge.py --alone         # the purge alone, in this process, no bot
    .venv/bin/python bench/purge.py --smoke         # a few hundred cases: that it runs, not how fast

Each case is shaped like a real one: the report (text, people, reporter), an addition, a note, an assessment,
a decision, an audit row, and its delivered outbox rows (the committee post and the reporter's confirmation,
with the platform's ids). Seeding is bulk inserts, not the intake path, and is not timed.

By default `cocbot run` is started over HTTP on that database, as bench/run.py starts it (its server, fake
Slack and signed `/report` driver are imported from there), with today's start-up purge already marked done.
Paced signed `/report` commands (one at a time, a pause between them) measure its idle latency (request →
views.open at the fake); then a `retention_purge` row due now is queued, as the daily one is, and the bot's
own outbox worker runs the purge (batches, keepers, platform deletions queued in the outbox, `secure_delete`
and the WAL checkpoint) in the same process that answers the `/report` commands still being sent. The purge
takes from the row's claim to its completion (both seen by polling the row). `--alone`: the purge
(`bot/retention/service.Purge`, with what the bot's composition root adds to it unless `--bare`) in this
process with no bot running.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
# /report p99 while the purge runs, against its idle p99 in the same run.
TARGET_RATIO = 2.0
MARKER = "BENCHPURGEMARKER"


def _sealed(value: Any) -> str:
    return "v1:" + json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def seed(db: Any, cases: int, now: datetime, chunk: int = 5000) -> None:
    from sqlalchemy import insert

    from cocbot.storage.models import OutboxItem, Report, ReportAddendum
    from cocbot.storage.queries import table_of
    from cocbot.storage.triage import TriageAssessment, TriageAudit, TriageDecision, TriageEntry

    filed = now - timedelta(days=800)
    closed = now - timedelta(days=760)
    for start in range(1, cases + 1, chunk):
        ids = range(start, min(start + chunk, cases + 1))
        async with db.transaction() as s:
            await s.execute(insert(table_of(Report)), [{
                "id": i, "ref": f"R-{i:04d}", "idempotency_key": f"bench:{i}", "platform": "slack",
                "source": "command", "created_at": filed, "anonymity": "confidential",
                "reporter_sealed": _sealed({"user": f"UREP{i}"}),
                "content_sealed": _sealed({"description": f"{MARKER} what happened in case {i}, " * 4,
                                           "when": "yesterday", "where_text": "", "implicated_other": "",
                                           "snapshot": ""}),
                "people_sealed": _sealed({"implicated": [f"UIMPL{i}"], "witnesses": [], "excluded": [],
                                          "flagged_author": None}),
                "ongoing": "no", "danger": False, "state": "closed", "delivery_state": "delivered",
                "space_kind": "committee_channel", "space_channel": "CCOMMITTEE", "space_invited": False,
                "message_ts": f"{i}.000100", "owner": "UALICE", "acknowledged_at": filed, "decided_at": closed,
                "closed_at": closed, "category": "Other", "reporter_role": "affected", "moving": False,
                "version": 5, "event_mode": False} for i in ids])
            await s.execute(insert(table_of(ReportAddendum)), [{
                "report_id": i, "idempotency_key": f"add:{i}", "created_at": filed,
                "content_sealed": _sealed({"text": f"{MARKER} more"})} for i in ids])
            await s.execute(insert(table_of(TriageEntry)), [{
                "report_id": i, "idempotency_key": f"note:{i}", "at": filed, "kind": "note",
                "author_sealed": _sealed("UALICE"), "content_sealed": _sealed({"text": f"{MARKER} note"})}
                for i in ids])
            await s.execute(insert(table_of(TriageAssessment)), [{
                "report_id": i, "idempotency_key": f"assess:{i}", "at": filed, "actor_sealed": _sealed("UBOB"),
                "risk": "low", "impact": "low", "ongoing": "no", "unsafe": False, "category": "Other",
                "reporter_role": "affected"} for i in ids])
            await s.execute(insert(table_of(TriageDecision)), [{
                "report_id": i, "idempotency_key": f"decide:{i}", "at": closed, "actor_sealed": _sealed("UBOB"),
                "outcome": "private_reprimand", "message_sealed": _sealed({"text": f"{MARKER} decided"}),
                "announcement_state": "none"} for i in ids])
            await s.execute(insert(table_of(TriageAudit)), [{
                "report_id": i, "at": filed, "action": "acknowledge", "actor_sealed": _sealed("UALICE"),
                "detail_sealed": _sealed({})} for i in ids])
            await s.execute(insert(table_of(OutboxItem)), [row for i in ids for row in (
                {"key": f"report:{i}:deliver", "report_id": i, "kind": "deliver_report", "payload_sealed": _sealed({}),
                 "status": "done", "attempts": 1, "next_attempt_at": filed, "created_at": filed, "done_at": filed,
                 "result_sealed": _sealed({"channel": "CCOMMITTEE", "ts": f"{i}.000100"})},
                {"key": f"report:{i}:confirm", "report_id": i, "kind": "confirm_reporter",
                 "payload_sealed": _sealed({}), "status": "done", "attempts": 1, "next_attempt_at": filed,
                 "created_at": filed, "done_at": filed, "result_sealed": _sealed({"channel": f"DUREP{i}",
                                                                                 "ts": f"{i}.000200"})})])


def _files_hold(path: Path, needle: bytes) -> bool:
    return any(needle in p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


async def run(cases: int, workdir: Path, composed: bool = True) -> dict[str, Any]:
    from cocbot.bot.clock import SystemClock
    from cocbot.bot.config.community import Retention
    from cocbot.bot.retention.service import Purge
    from cocbot.storage.db import Database

    path = workdir / "purge-bench.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.create_schema()
        now = datetime.now(timezone.utc)
        started = time.perf_counter()
        await seed(db, cases, now)
        seeded = time.perf_counter() - started
        size_before = path.stat().st_size
        purge = Purge(db, Retention(), SystemClock())
        if composed:
            from cocbot.bot.runtime.purge import build_purge
            from cocbot.scenarios.simulator.harness import make_config

            # As the bot composes it: ended bans, and each case's statistics row and trail entry.
            purge = build_purge(db, make_config(), SystemClock())
        started, cpu = time.perf_counter(), time.process_time()
        result = await purge.run()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await db.dispose()
    return {
        "bench": "purge", "engine": "sqlite", "cases": cases,
        "mode": "the purge alone" + (" (with the bot's keepers)" if composed else " (its bare parts, no keepers)"),
        "seed_seconds": round(seeded, 2),
        "purge_seconds": round(seconds, 2),
        # CPU time of this process (every thread): what the purge costs, whatever else the machine runs.
        "purge_cpu_seconds": round(cpu, 2), "load_average_1m": os.getloadavg()[0],
        "cases_per_second": round(cases / seconds) if seconds else None,
        "purged": result.counts.get("closed_reports", 0), "deletions_queued": result.deletions_queued,
        "files": result.scrubbed, "db_bytes_before": size_before, "db_bytes_after": path.stat().st_size,
        "marker_left_in_files": _files_hold(path, MARKER.encode()),
        "target_seconds": TARGET_SECONDS, "within_target": seconds < TARGET_SECONDS,
    }


def _targets(cases: int, seconds: float, idle_p99: float | None, during_p99: float | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"target": f"purge of {cases:,} closed cases < {TARGET_SECONDS:.0f} s (sqlite)",
                                  "measured": f"{seconds:.1f} s", "met": seconds < TARGET_SECONDS}]
    if idle_p99 is not None:
        ratio = during_p99 / idle_p99 if during_p99 is not None and idle_p99 > 0 else None
        out.append({"target": f"/report p99 during the purge ≤ {TARGET_RATIO:g}× its idle p99 (sqlite)",
                    "measured": (f"{ratio:.2f}× ({during_p99:.2f} vs {idle_p99:.2f} ms)" if ratio is not None
                                 else "no /report answered during the purge"),
                    "met": ratio is not None and ratio <= TARGET_RATIO})
    return out


async def _mark_todays_purge_done(db: Any, now: datetime) -> None:
    """The bot queues today's purge at start-up; done already, so the bench decides when the purge runs."""
    from sqlalchemy import update

    from cocbot.bot.retention.delivery import PURGE, purge_key
    from cocbot.storage import outbox as outbox_q
    from cocbot.storage.models import OutboxItem
    from cocbot.storage.queries import table_of

    async with db.transaction() as s:
        await outbox_q.enqueue(s, key=purge_key(now), kind=PURGE, now=now, due_at=now)
        c = table_of(OutboxItem).c
        await s.execute(update(table_of(OutboxItem)).where(c.key == purge_key(now)).values(status="done", done_at=now))


def _row_state(path: Path, key: str) -> tuple[str, str | None, str | None] | None:
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute("SELECT status, lease_owner, result_sealed FROM outbox WHERE key = ?", (key,)).fetchone()
    return None if row is None else (row[0], row[1], row[2])


async def run_with_bot(cases: int, workdir: Path, *, idle_requests: int, pause: float) -> dict[str, Any]:
    import aiohttp

    import run as bench  # bench/run.py: the server, the fake Slack and the signed /report driver
    from cocbot.bot.retention.delivery import PURGE
    from cocbot.scenarios.simulator.harness import config_dict, standard_world
    from cocbot.storage import outbox as outbox_q
    from cocbot.storage.content import SEAL
    from cocbot.storage.db import Database

    path = workdir / "purge-bench.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    now = datetime.now(timezone.utc)
    try:
        await db.create_schema()
        started = time.perf_counter()
        await seed(db, cases, now)
        seeded = time.perf_counter() - started
        await _mark_todays_purge_done(db, now)
    finally:
        await db.dispose()
    size_before = path.stat().st_size

    fake = bench.BenchFake()
    standard_world(fake)
    for user in bench.REPORTERS:
        fake.add_user(user)
    await fake.start()
    (workdir / "cocbot.yml").write_text(json.dumps(config_dict()), encoding="utf-8")  # JSON is YAML
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COCBOT_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN=bench.BOT_TOKEN, SLACK_SIGNING_SECRET=bench.SIGNING_SECRET,
               SLACK_API_URL=fake.base_url, DATABASE_URL=url, COCBOT_CONFIG=str(workdir / "cocbot.yml"))
    server = bench.Server("cocbot-purge", bench.cocbot_argv(), env, workdir)
    failures = bench.Failures()
    key = "retention:purge:bench"
    try:
        ready = await server.start(timeout=120)
        async with aiohttp.ClientSession() as http:
            driver = bench.Driver(fake, http)
            samples: list[tuple[float, float]] = []  # (sent at, ms)
            serial = iter(range(10**9))

            async def paced(n: int | None, stop: asyncio.Event | None = None) -> None:
                done = 0
                while (n is None or done < n) and not (stop is not None and stop.is_set()):
                    sent = time.perf_counter()
                    try:
                        samples.append((sent, await driver.slash(server.url, next(serial))))
                    except bench.BenchError as exc:
                        failures.add(str(exc))
                    done += 1
                    await asyncio.sleep(pause)

            await paced(max(10, idle_requests // 20))  # warm-up: connections, caches, lazy imports
            samples.clear()
            await paced(idle_requests)
            idle = [ms for _, ms in samples]
            samples.clear()

            stop = asyncio.Event()
            load = asyncio.create_task(paced(None, stop))
            cpu0 = server.cpu_seconds()
            queued = time.perf_counter()
            qdb = Database(url)
            try:
                async with qdb.transaction() as s:
                    await outbox_q.enqueue(s, key=key, kind=PURGE, now=datetime.now(timezone.utc))
            finally:
                await qdb.dispose()
            claimed = finished = None
            state = None
            while finished is None:
                state = await asyncio.to_thread(_row_state, path, key)
                t = time.perf_counter()
                if state is not None and claimed is None and (state[1] is not None or state[0] != "pending"):
                    claimed = t
                if state is not None and state[0] != "pending":
                    finished = t
                elif t - queued > 600:
                    raise bench.BenchError(f"the purge did not finish within 600 s:\n{server.log_tail()}")
                else:
                    await asyncio.sleep(0.1)
            cpu = server.cpu_seconds() - cpu0
            stop.set()
            await load
            assert claimed is not None and state is not None
            during = [ms for sent, ms in samples if claimed <= sent <= finished]
            memory = server.memory_mb()
    finally:
        await server.stop(grace=10)
        await fake.stop()
    if state[0] != "done":
        raise bench.BenchError(f"the purge row ended {state[0]}:\n{server.log_tail()}")
    result = SEAL.unseal(state[2]) or {}
    seconds = finished - claimed
    idle_p, during_p = bench.percentiles(idle), bench.percentiles(during)

    def rounded(p: dict[str, float]) -> dict[str, float | None]:
        return {k: (None if v != v else round(v, 2)) for k, v in p.items()}  # NaN (no sample): None

    idle_p99 = idle_p["p99"] if idle else None
    during_p99 = during_p["p99"] if during else None
    return {
        "bench": "purge", "engine": "sqlite", "mode": "the running bot's own purge, /report served meanwhile",
        "cases": cases, "seed_seconds": round(seeded, 2), "bot_ready_seconds": round(ready, 2),
        "purge_seconds": round(seconds, 2), "claimed_after_seconds": round(claimed - queued, 2),
        # CPU time of the bot's process while it purged (and answered the /report commands meanwhile).
        "bot_cpu_seconds": round(cpu, 2), "load_average_1m": os.getloadavg()[0],
        "cases_per_second": round(cases / seconds) if seconds else None,
        "purged": int((result.get("purged") or {}).get("closed_reports", 0)),
        "deletions_queued": result.get("deletions"), "files": result.get("files"),
        "db_bytes_before": size_before, "db_bytes_after": path.stat().st_size,
        "marker_left_in_files": _files_hold(path, MARKER.encode()),
        "report_pause_ms": round(pause * 1000), "report_idle_ms": rounded(idle_p),
        "report_during_purge_ms": rounded(during_p), "report_failures": dict(failures.by_reason),
        "bot_resident_mb": round(memory.get("VmRSS", 0.0)), "bot_peak_resident_mb": round(memory.get("VmHWM", 0.0)),
        "target_seconds": TARGET_SECONDS, "within_target": seconds < TARGET_SECONDS,
        "targets": _targets(cases, seconds, idle_p99, during_p99),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="closed cases to seed and purge (100000)")
    parser.add_argument("--smoke", action="store_true", help="a few hundred cases: that it runs, not how fast")
    parser.add_argument("--alone", action="store_true", help="the purge alone in this process, no bot, no /report")
    parser.add_argument("--bare", action="store_true", help="with --alone: without the parts and keepers the bot "
                                                            "adds (statistics rows, trail entries, ended bans)")
    parser.add_argument("--idle-requests", type=int, default=1000, help="/report commands timed before the purge")
    parser.add_argument("--pause-ms", type=float, default=10.0, help="pause after each /report command (10)")
    parser.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it (default: a temp dir)")
    args = parser.parse_args(argv)
    cases = 300 if args.smoke else args.cases
    idle = 40 if args.smoke else args.idle_requests

    async def measure(workdir: Path) -> dict[str, Any]:
        if args.alone:
            figures = await run(cases, workdir, composed=not args.bare)
            return {**figures, "targets": _targets(cases, figures["purge_seconds"], None, None)}
        return await run_with_bot(cases, workdir, idle_requests=idle, pause=args.pause_ms / 1000)

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        figures = asyncio.run(measure(Path(args.keep)))
    else:
        with tempfile.TemporaryDirectory(prefix="cocbot-purge-bench-") as tmp:
            figures = asyncio.run(measure(Path(tmp)))
    print(json.dumps(figures))
    return 0 if figures["purged"] == cases and not figures["marker_left_in_files"] else 1


if __name__ == "__main__":
    sys.exit(main())
