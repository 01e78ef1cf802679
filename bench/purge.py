#!/usr/bin/env python3
"""The retention purge at scale: N closed cases in a fresh SQLite database, all past `retention.closed_reports`,
purged in one run; prints one JSON line of figures.

    .venv/bin/python bench/purge.py                 # 100,000 cases (target: the purge under 60 s)
    .venv/bin/python bench/purge.py --cases 20000
    .venv/bin/python bench/purge.py --smoke         # a few hundred cases: that it runs, not how fast

Each case is shaped like a real one: the report (text, people, reporter), an addition, a note, an assessment,
a decision, an audit row, and its delivered outbox rows (the committee post and the reporter's confirmation,
with the platform's ids). Seeding is bulk inserts, not the intake path, and is not timed. The purge is the
bot's own (`bot/retention/service.Purge`, batches, keepers none, the platform deletions queued in the outbox,
`secure_delete` and the WAL checkpoint included). Independent of bench/run.py.
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


async def run(cases: int, workdir: Path) -> dict[str, Any]:
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
        started, cpu = time.perf_counter(), time.process_time()
        result = await purge.run()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await db.dispose()
    return {
        "bench": "purge", "engine": "sqlite", "cases": cases, "seed_seconds": round(seeded, 2),
        "purge_seconds": round(seconds, 2),
        # CPU time of this process (every thread): what the purge costs, whatever else the machine runs.
        "purge_cpu_seconds": round(cpu, 2), "load_average_1m": os.getloadavg()[0],
        "cases_per_second": round(cases / seconds) if seconds else None,
        "purged": result.counts.get("closed_reports", 0), "deletions_queued": result.deletions_queued,
        "files": result.scrubbed, "db_bytes_before": size_before, "db_bytes_after": path.stat().st_size,
        "marker_left_in_files": _files_hold(path, MARKER.encode()),
        "target_seconds": TARGET_SECONDS, "within_target": seconds < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="closed cases to seed and purge (100000)")
    parser.add_argument("--smoke", action="store_true", help="a few hundred cases: that it runs, not how fast")
    parser.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it (default: a temp dir)")
    args = parser.parse_args(argv)
    cases = 300 if args.smoke else args.cases
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        figures = asyncio.run(run(cases, Path(args.keep)))
    else:
        with tempfile.TemporaryDirectory(prefix="cocbot-purge-bench-") as tmp:
            figures = asyncio.run(run(cases, Path(tmp)))
    print(json.dumps(figures))
    return 0 if figures["purged"] == cases and not figures["marker_left_in_files"] else 1


if __name__ == "__main__":
    sys.exit(main())
