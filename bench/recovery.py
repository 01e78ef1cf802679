#!/usr/bin/env python3
"""How long after a `kill -9` the deliveries the dead process held are sent, on SQLite and PostgreSQL.

    .venv/bin/python bench/recovery.py [--postgres postgresql://postgres@127.0.0.1:5432/some_db]

Real OS processes (tests/storage/replica_worker.py: the real outbox worker with the reminder kinds) on
loopback against the fake Slack, real time throughout. Replica A claims a batch of due reminders, delivers
none and holds the rest, renewing its leases, until it is killed with SIGKILL. Then:
- SQLite (one replica by design): a new process starts on the same file, as a restart would;
- PostgreSQL: a second replica that was already running keeps looking (every 0.25 s).
Printed: seconds from the kill until every held reminder was delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cocbot.scenarios.simulator.harness import standard_world  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402
from tests.storage.test_outbox_replicas import Replica, seed_due_reminders  # noqa: E402
import tests.storage.test_outbox_replicas as replicas  # noqa: E402

N = 10


async def held_by_a_then_killed(url: str, slack: FakeSlack, lease: float, hold_for: float) -> float:
    replicas.LEASE_SECONDS = lease  # type: ignore[assignment]
    await seed_due_reminders(url, N)
    a = await Replica.start("a", url, slack, "--batch", str(N), "--concurrency", "1", "--pause-after", "0")
    await a.send("go")
    await a.expect("paused")
    await asyncio.sleep(hold_for)  # A is alive and slow meanwhile: its heartbeat keeps its rows
    b = None
    if not url.startswith("sqlite"):
        b = await Replica.start("b", url, slack)
        assert await b.drained() == 0, "B took rows A was still working on"
    a.kill()
    await a.proc.wait()
    killed = time.monotonic()
    if b is None:
        b = await Replica.start("b", url, slack)  # the restart
    try:
        while await b.drained() < N:
            await asyncio.sleep(0.25)
        return time.monotonic() - killed
    finally:
        await b.quit()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres")
    parser.add_argument("--lease", type=float, default=15.0)
    args = parser.parse_args()
    slack = FakeSlack()
    standard_world(slack)
    await slack.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            took = await held_by_a_then_killed(f"sqlite+aiosqlite:///{tmp}/cocbot.sqlite3", slack, args.lease, 1.0)
            print(f"SQLite: held deliveries sent {took:.1f} s after kill -9 (restart included)")
        if args.postgres:
            import asyncpg

            plain = args.postgres.replace("postgresql+asyncpg://", "postgresql://")
            name = f"cocbot_recovery_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(plain)
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()
            url = plain.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name
            try:
                took = await held_by_a_then_killed(url, slack, args.lease, args.lease)
                print(f"PostgreSQL: held deliveries taken over and sent {took:.1f} s after kill -9 "
                      f"(lease {args.lease:g} s, renewed every {args.lease / 4:g} s; A was alive for a whole "
                      f"lease before, so only the heartbeat kept its rows)")
            finally:
                admin = await asyncpg.connect(plain)
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    finally:
        await slack.stop()


if __name__ == "__main__":
    asyncio.run(main())
