#!/usr/bin/env python3
"""Checking a new report's named people against earlier cases, bans and held reports, with many stored cases.

    .venv/bin/python bench/earlier.py [--cases 100000] [--runs 2000] [--database URL] [--smoke]

Fills a database (SQLite in a temporary directory unless --database names one) with N cases, each naming one
or two of N/3 people (so a person is in about three cases), a third of them decided, one in a hundred with a
ban in force and one in fifty held. Then, for random new reports naming one or two of those people, times
the whole check inside one transaction: the people index for held reports to release and for earlier cases,
the privacy filter from the same index (who each case keeps out, its chosen readers), outcomes and bans in
force. Prints one JSON line: {"bench": "earlier", "cases": N, "runs": R, "p50_ms": …, "p99_ms": …,
"cpu_p50_ms": …, "cpu_p99_ms": …, "target_p99_ms": 5, "ok": …}.
`--smoke`: a few hundred cases and runs, for the test suite (figures, not speed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from cocbot.bot.config.settings import normalise_database_url  # noqa: E402
from cocbot.bot.earlier.service import earlier_for, map_digest, named  # noqa: E402
from cocbot.bot.holds.hooks import MATCH_LIMIT  # noqa: E402
from cocbot.scenarios.simulator.harness import make_config  # noqa: E402
from cocbot.storage import earlier as earlier_q  # noqa: E402
from cocbot.storage.content import SEAL  # noqa: E402
from cocbot.storage.db import Database  # noqa: E402
from cocbot.storage.earlier import ReportPerson  # noqa: E402
from cocbot.storage.holds import ReportHold  # noqa: E402
from cocbot.storage.models import Report  # noqa: E402
from cocbot.storage.reports import ReportRecord  # noqa: E402
from cocbot.storage.triage import TriageBan, TriageDecision  # noqa: E402

NOW = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
TARGET_P99_MS = 5.0
CHUNK = 5000


def person(i: int) -> str:
    return f"UP{i:07d}"


async def fill(db: Database, cases: int, rng: random.Random, digest: str) -> int:
    people = max(3, cases // 3)
    async with db.transaction() as session:
        for start in range(1, cases + 1, CHUNK):
            ids = range(start, min(cases, start + CHUNK - 1) + 1)
            reports, index, decisions, bans, holds = [], [], [], [], []
            for n in ids:
                implicated = [person(rng.randrange(people)) for _ in range(rng.choice((1, 1, 2)))]
                at = NOW - timedelta(days=rng.randrange(1, 1500))
                reports.append({
                    "id": n, "ref": f"R-{n:04d}", "idempotency_key": f"bench:{n}", "platform": "slack",
                    "source": "command", "created_at": at, "anonymity": "confidential",
                    "reporter_sealed": SEAL.seal({"user": f"UR{n % 997}"}),
                    "content_sealed": SEAL.seal({"description": "bench"}),
                    "people_sealed": SEAL.seal({"implicated": implicated, "witnesses": [],
                                                "excluded": [f"UX{n % 7}"] if n % 5 == 0 else []}),
                    "state": "closed" if n % 3 == 0 else "new", "delivery_state": "delivered",
                    "space_kind": "committee_channel", "space_channel": "CCOMMITTEE", "message_ts": "1.0",
                    "space_invited": True, "version": 0, "moving": False, "danger": False, "ongoing": "unsure",
                    "event_mode": False})
                index += [{"report_id": n, "person_key": SEAL.person_keys(p)[0]} for p in set(implicated)]
                # Who may not read it and who alone may, as intake indexes them (some exclude someone).
                kept_out = [f"UX{n % 7}"] if n % 5 == 0 else []
                index += earlier_q.guard_rows(n, kept_out=kept_out, readers=(), digest=digest)
                if n % 3 == 0:
                    decisions.append({"id": n, "report_id": n, "idempotency_key": f"d:{n}", "at": at,
                                      "actor_sealed": SEAL.seal("UALICE"), "outcome": "private_reprimand",
                                      "message_sealed": SEAL.seal(""), "announcement_state": "none"})
                    if n % 100 == 0:
                        bans.append({"report_id": n, "decision_id": n, "created_at": at, "outcome": "temporary_ban",
                                     "subjects_sealed": SEAL.seal(implicated), "scope_sealed": SEAL.seal("all"),
                                     "ends_at": NOW + timedelta(days=90)})
                if n % 50 == 1:
                    holds.append({"report_id": n, "state": "held", "held_at": at,
                                  "expires_at": NOW + timedelta(days=9)})
            for model, rows in ((Report, reports), (ReportPerson, index), (TriageDecision, decisions),
                                (TriageBan, bans), (ReportHold, holds)):
                if rows:
                    await session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
    return people


def new_report(n: int, implicated: tuple[str, ...]) -> ReportRecord:
    return ReportRecord(
        id=n, ref=f"R-{n:04d}", platform="slack", source="command", created_at=NOW, anonymity="confidential",
        reporter="UNEW", description="", when="", where_channel=None, where_text="", implicated=implicated,
        implicated_other="", witnesses=(), excluded=(), ongoing="unsure", danger=False, flagged_channel=None,
        flagged_ts=None, flagged_author=None, flagged_permalink=None, snapshot="", state="new",
        delivery_state="delivered", space_kind="committee_channel", space_channel="CCOMMITTEE", space_invited=True,
        message_ts="2.0")


async def main(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(16)
    config = make_config()
    with tempfile.TemporaryDirectory() as tmp:
        # The URL as a self-hoster writes it (postgresql://…), with the async driver the bot picks for it.
        db = Database(normalise_database_url(args.database) if args.database
                      else f"sqlite+aiosqlite:///{tmp}/earlier.sqlite3")
        await db.create_schema()
        started = time.perf_counter()
        people = await fill(db, args.cases, rng, map_digest(config))
        filled_s = time.perf_counter() - started
        if not db.is_sqlite:
            # Statistics, as autovacuum gathers them shortly after a bulk load: without them PostgreSQL plans
            # the first thousands of lookups blind (tens of ms each), which no running community sees.
            async with db.engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
        timings, cpu, listed = [], [], 0
        warm_up = min(50, args.runs)  # statements compiled and cached, pages read: not what is measured
        for run in range(-warm_up, args.runs):
            report = new_report(args.cases + 100 + run, tuple(person(rng.randrange(people))
                                                            for _ in range(rng.choice((1, 2)))))
            t0, c0 = time.perf_counter(), time.thread_time()
            async with db.transaction() as session:
                # What a new report is checked against, as intake and the listing do it: the held reports
                # naming the same people (to release), then its earlier cases (the people index, nothing
                # unsealed but held reports and bans), their outcomes and bans in force.
                await earlier_q.reports_naming_people(session, named(report, config), other_than=report.id,
                                                      limit=MATCH_LIMIT, held_only=True)
                found = await earlier_for(session, report, config, NOW)
            if run >= 0:
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
                listed += len(found.cases)
        await db.dispose()
    timings.sort()
    cpu.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return {"bench": "earlier", "cases": args.cases, "runs": args.runs, "fill_s": round(filled_s, 1),
            "p50_ms": round(statistics.median(timings), 3), "p99_ms": round(p99, 3),
            # This process's CPU per check: what the check costs when other work shares the machine.
            "cpu_p50_ms": round(statistics.median(cpu), 3),
            "cpu_p99_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))], 3),
            "mean_listed": round(listed / max(1, args.runs), 2), "target_p99_ms": TARGET_P99_MS,
            "ok": p99 < TARGET_P99_MS, "database": "postgresql" if args.database else "sqlite",
            "targets": [{"target": f"earlier-case lookup for a new report, {args.cases:,} cases stored: "
                                   f"p99 < {TARGET_P99_MS:g} ms ({'postgresql' if args.database else 'sqlite'})",
                         "measured": f"{p99:.3f} ms (p50 {statistics.median(timings):.3f} ms)",
                         "met": p99 < TARGET_P99_MS}]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--database", help="a database URL to fill (default: SQLite in a temporary directory)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the bench runs, not speed")
    parsed = parser.parse_args()
    if parsed.smoke:
        parsed.cases, parsed.runs = min(parsed.cases, 300), min(parsed.runs, 50)
    print(json.dumps(asyncio.run(main(parsed))))
