"""Several replicas on one PostgreSQL deliver each due reminder exactly once — also when one dies mid-run.

Each replica is a real OS process (tests/storage/replica_worker.py) running the real outbox worker and the
reminder kinds against the shared database and the fake Slack served by this test. Skipped without
COCBOT_TEST_POSTGRES_URL (set by .ci/run). Every test works in a database of its own, so other test runs
resetting the shared `test` database cannot interfere.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from collections.abc import AsyncIterator

import pytest
from sqlmodel import col

from cocbot.bot.reminders import hooks as reminders
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, make_config

REPO = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 30


@pytest.fixture
async def replica_db(postgres_url: str) -> AsyncIterator[str]:
    import asyncpg

    base, _, _ = postgres_url.rpartition("/")
    plain = postgres_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"cocbot_replicas_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(plain)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield f"{base}/{name}"
    admin = await asyncpg.connect(plain)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed_due_reminders(url: str, n: int) -> list[str]:
    """n delivered reports, each with its 4 h reminder due now (and later steps still in the future)."""
    config = make_config()
    db = Database(url)
    await db.create_schema()
    filed = datetime.now(timezone.utc) - timedelta(hours=5)
    refs = []
    try:
        async with db.transaction() as s:
            for i in range(n):
                report, _ = await reports_q.create_report(s, NewReport(
                    idempotency_key=f"replicas-{i}", platform="slack", source="command", anonymity="confidential",
                    reporter="UREPORTER", description="never in a reminder"), filed)
                await reports_q.update_report(s, report.id, space_kind="committee_channel",
                                              space_channel=COMMITTEE_CHANNEL, message_ts=f"1700000000.{i:06d}",
                                              delivery_state="delivered")
                await reminders.schedule_ack(s, report.id, filed, config)
                refs.append(report.ref)
    finally:
        await db.dispose()
    return refs


class Replica:
    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.proc = proc
        self.name = name

    @classmethod
    async def start(cls, name: str, url: str, slack: FakeSlack, *extra: str) -> Replica:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.storage.replica_worker", "--db", url, "--slack", slack.base_url,
            "--lease", str(LEASE_SECONDS), *extra, cwd=REPO, env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        replica = cls(proc, name)
        assert await replica.expect("ready") == "ready"
        return replica

    async def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        await self.proc.stdin.drain()

    async def expect(self, prefix: str, timeout: float = 60.0) -> str:
        assert self.proc.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            if not raw:
                err = b""
                if self.proc.stderr is not None:
                    err = await self.proc.stderr.read()
                raise AssertionError(f"replica {self.name} exited: {err.decode()[-3000:]}")
            line = raw.decode().strip()
            if line.startswith(prefix):
                return line

    async def drained(self, command: str = "go") -> int:
        await self.send(command)
        return int((await self.expect("idle")).split()[1])

    async def quit(self) -> None:
        if self.proc.returncode is None:
            try:
                await self.send("quit")
                await asyncio.wait_for(self.proc.wait(), 30)
            except (TimeoutError, ConnectionError):
                self.kill()  # a failed test must not leave a replica running
                await self.proc.wait()

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no clean-up, leases stay behind


def reminder_counts(slack: FakeSlack) -> Counter[str]:
    found: Counter[str] = Counter()
    for call in slack.calls_to("chat.postMessage"):
        match = re.search(r"Reminder: report (R-\d+)", str(call.params))
        if match and call.response.get("ok"):
            found[match.group(1)] += 1
    return found


async def row_statuses(url: str) -> Counter[str]:
    from sqlalchemy import select

    from cocbot.storage.models import OutboxItem

    db = Database(url)
    try:
        async with db.transaction() as s:
            rows = await s.execute(select(col(OutboxItem.status)).where(col(OutboxItem.kind) == "reminder_ack",
                                                                  col(OutboxItem.key).like("%:0")))
            return Counter(status for (status,) in rows.all())
    finally:
        await db.dispose()


async def test_two_replicas_deliver_each_due_reminder_exactly_once(replica_db: str, slack: FakeSlack) -> None:
    n = 100
    refs = await seed_due_reminders(replica_db, n)
    a = await Replica.start("a", replica_db, slack, "--batch", "5", "--concurrency", "4")
    b = await Replica.start("b", replica_db, slack, "--batch", "5", "--concurrency", "4")
    try:
        # Both start draining at the same moment and compete for the same rows.
        await asyncio.gather(a.send("go"), b.send("go"))
        done_a, done_b = await asyncio.gather(a.expect("idle"), b.expect("idle"))
        by_a, by_b = int(done_a.split()[1]), int(done_b.split()[1])
    finally:
        await asyncio.gather(a.quit(), b.quit())
    print(f"replica split: a={by_a} b={by_b} of {n}")  # shown with -s; the split varies run to run
    counts = reminder_counts(slack)
    assert sorted(counts) == sorted(refs) and set(counts.values()) == {1}, "a reminder was lost or duplicated"
    assert by_a + by_b == n and by_a > 0 and by_b > 0, (by_a, by_b)
    assert await row_statuses(replica_db) == {"done": n}
    assert "never in a reminder" not in "".join(str(c.params) for c in slack.calls)


async def test_a_replica_killed_mid_run_is_taken_over_after_its_lease(replica_db: str, slack: FakeSlack) -> None:
    n = 60
    refs = await seed_due_reminders(replica_db, n)
    # A claims 20 rows, delivers 5, and is killed while holding the other 15 under its lease.
    a = await Replica.start("a", replica_db, slack, "--batch", "20", "--concurrency", "1", "--pause-after", "5")
    b = None
    try:
        await a.send("go")
        await a.expect("paused")
        b = await Replica.start("b", replica_db, slack, "--batch", "10", "--concurrency", "2")
        first = await b.drained()  # everything A has not claimed
        assert first == n - 20
        a.kill()
        await a.proc.wait()
        assert len(reminder_counts(slack)) == n - 15
        # Nothing more until A's lease runs out; then B takes A's rows over.
        assert await b.drained("advance 1") == first
        assert await b.drained(f"advance {LEASE_SECONDS}") == n - 5
    finally:
        if a.proc.returncode is None:
            a.kill()
            await a.proc.wait()
        if b is not None:
            await b.quit()
    counts = reminder_counts(slack)
    assert sorted(counts) == sorted(refs) and set(counts.values()) == {1}, "a reminder was lost or duplicated"
    assert await row_statuses(replica_db) == {"done": n}
