#!/usr/bin/env python3
"""The transparency report over many cases: N cases' statistics rows, and `cocbot transparency` computed over
a year of them. Prints one JSON line.

    .venv/bin/python bench/transparency.py [--cases 100000] [--runs 5] [--database URL] [--smoke]

Fills a database (SQLite in a temporary directory unless --database names one) with N content-free statistics
rows (storage/statistics.py), as the purge leaves them: cases filed over the twelve months of one year, with
every source, anonymity mode, category and outcome, one in twenty a ban, most acknowledged and answered, a
few never, some late; their reports are gone (purged), so the figures come from the rows alone, plus a few
live cases whose rows are brought up to date first, as the command does. Then times what the command runs
after reading its config: `bot/transparency/service.figures` (the live rows refreshed, the year's totals and
percentiles in the database, small counts hidden) and rendering it as Markdown, `--runs` times; the verdict
is the median against the 2 s target. `--smoke`: a few hundred rows, for the test suite (that it runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from cocbot.bot.i18n import english  # noqa: E402
from cocbot.bot.transparency import render  # noqa: E402
from cocbot.bot.transparency.service import figures  # noqa: E402
from cocbot.scenarios.simulator.harness import make_config  # noqa: E402
from cocbot.storage.content import SEAL  # noqa: E402
from cocbot.storage.db import Database  # noqa: E402
from cocbot.storage.models import Report  # noqa: E402
from cocbot.storage.queries import table_of  # noqa: E402
from cocbot.storage.statistics import CaseStatistic  # noqa: E402

YEAR = 2026
TARGET_SECONDS = 2.0
CHUNK = 5000
LIVE = 200  # open cases beside the purged ones: their rows are refreshed by every report
SOURCES = ("command", "shortcut", "message_action", "discourse_flag", "discourse_pm", "app_home")
ANONYMITY = ("confidential", "anonymous", "named")
CATEGORIES = ("Harassment", "Discrimination", "Disruption", "Unwelcome attention", "Other", None)
OUTCOMES = ("no_action", "private_reprimand", "public_reprimand", "temporary_ban", "permanent_ban", None)


async def fill(db: Database, cases: int, rng: random.Random) -> None:
    for start in range(1, cases + 1, CHUNK):
        rows: list[dict[str, Any]] = []
        for n in range(start, min(cases, start + CHUNK - 1) + 1):
            acknowledged = rng.random() < 0.97
            responded = acknowledged and rng.random() < 0.9
            ack_s = int(rng.expovariate(1 / 30_000)) if acknowledged else None
            resp_s = (ack_s or 0) + int(rng.expovariate(1 / 300_000)) if responded else None
            outcome = rng.choice(OUTCOMES) if responded else None
            rows.append({
                "report_id": n, "month": f"{YEAR}-{rng.randrange(1, 13):02d}", "source": rng.choice(SOURCES),
                "anonymity": rng.choice(ANONYMITY), "category": rng.choice(CATEGORIES), "outcome": outcome,
                "ban_issued": outcome in ("temporary_ban", "permanent_ban") and rng.random() < 0.5,
                "acknowledge_seconds": ack_s, "respond_seconds": resp_s,
                "acknowledged_within_promise": None if ack_s is None else ack_s <= 86_400,
                "responded_within_week": None if resp_s is None else resp_s <= 7 * 86_400,
                "held": rng.random() < 0.01, "refreshed_at": None})
        async with db.transaction() as session:
            await session.execute(insert(table_of(CaseStatistic)), rows)


async def live_cases(db: Database, first_id: int, n: int) -> None:
    """Open cases still in the database (their rows are refreshed first, on every report)."""
    at = datetime(YEAR, 6, 1, 9, tzinfo=timezone.utc)
    rows = [{
        "id": i, "ref": f"R-{i:04d}", "idempotency_key": f"bench:{i}", "platform": "slack", "source": "command",
        "created_at": at + timedelta(hours=i % 1000), "anonymity": "confidential",
        "reporter_sealed": SEAL.seal({"user": f"UR{i}"}), "content_sealed": SEAL.seal({"description": "bench"}),
        "people_sealed": SEAL.seal({"implicated": [], "witnesses": [], "excluded": []}), "state": "new",
        "delivery_state": "delivered", "space_kind": "committee_channel", "space_channel": "CCOMMITTEE",
        "message_ts": "1.0", "space_invited": True, "version": 0, "moving": False, "danger": False,
        "ongoing": "unsure", "event_mode": False} for i in range(first_id, first_id + n)]
    async with db.transaction() as session:
        await session.execute(insert(table_of(Report)), rows)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    config = make_config()
    tr = english()
    rng = random.Random(14)
    with tempfile.TemporaryDirectory(prefix="cocbot-transparency-bench-") as tmp:
        db = Database(args.database or f"sqlite+aiosqlite:///{tmp}/transparency.sqlite3")
        try:
            await db.create_schema()
            started = time.perf_counter()
            await fill(db, args.cases, rng)
            await live_cases(db, args.cases + 1, args.live)
            filled = time.perf_counter() - started
            timings: list[float] = []
            received = None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                found = await figures(db, config, date(YEAR, 1, 1), date(YEAR, 12, 31), tr)
                text = render.render(tr, found, "markdown", config.community.name)
                timings.append(time.perf_counter() - t0)
                received = next((c.value for s in found.sections for c in s.cells if isinstance(c.value, int)),
                                None)
        finally:
            await db.dispose()
    median = statistics.median(timings)
    return {
        "bench": "transparency", "database": "postgresql" if args.database else "sqlite",
        "statistics_rows": args.cases, "live_cases": args.live, "period": f"{YEAR}-01 to {YEAR}-12",
        "fill_seconds": round(filled, 1), "runs": args.runs, "first_run_seconds": round(timings[0], 3),
        "median_seconds": round(median, 3), "max_seconds": round(max(timings), 3),
        "first_figure": received, "markdown_bytes": len(text.encode()),
        "load_average_1m": os.getloadavg()[0], "target_seconds": TARGET_SECONDS,
        "targets": [{"target": f"transparency report over {args.cases:,} cases < {TARGET_SECONDS:g} s "
                               f"({'postgresql' if args.database else 'sqlite'}, median of {args.runs})",
                     "measured": f"{median:.3f} s (first run {timings[0]:.3f} s)", "met": median < TARGET_SECONDS}],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="statistics rows (default 100000)")
    parser.add_argument("--live", type=int, default=LIVE, help=f"open cases beside them (default {LIVE})")
    parser.add_argument("--runs", type=int, default=5, help="reports computed (default 5)")
    parser.add_argument("--database", help="an empty database URL to fill (default: SQLite in a temporary directory)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the bench runs, not speed")
    parsed = parser.parse_args()
    if parsed.smoke:
        parsed.cases, parsed.live, parsed.runs = min(parsed.cases, 300), min(parsed.live, 10), min(parsed.runs, 2)
    print(json.dumps(asyncio.run(main(parsed))))
