"""storage/outbox claim_due and enqueue_many on both engines.

claim_due is one UPDATE … RETURNING over a locking CTE; a plain `IN (subquery … LIMIT n FOR UPDATE SKIP
LOCKED)` lets PostgreSQL rescan the subquery and lease every due row to one replica, so the limit and
disjointness are checked here, not only in the slower replica tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)



async def test_claims_at_most_the_limit_oldest_first_and_disjoint(db: Database) -> None:
    async with db.transaction() as s:
        added = await outbox_q.enqueue_many(s, [
            outbox_q.NewItem(key=f"claim:{i}", kind="x", due_at=NOW - timedelta(seconds=60 - i)) for i in range(50)
        ] + [outbox_q.NewItem(key="claim:later", kind="x", due_at=NOW + timedelta(hours=1))], now=NOW)
    assert added == 51
    async with db.transaction() as s:
        a = await outbox_q.claim_due(s, owner="A", now=NOW, lease_seconds=30, limit=20)
    async with db.transaction() as s:
        b = await outbox_q.claim_due(s, owner="B", now=NOW, lease_seconds=30, limit=20)
    assert [i.key for i in a] == [f"claim:{i}" for i in range(20)]
    assert len(b) == 20 and not {i.id for i in a} & {i.id for i in b}
    async with db.transaction() as s:
        rest = await outbox_q.claim_due(s, owner="C", now=NOW, lease_seconds=30, limit=20)
    assert len(rest) == 10 and "claim:later" not in {i.key for i in rest}
    async with db.transaction() as s:  # all leased: nothing more until a lease runs out
        assert await outbox_q.claim_due(s, owner="D", now=NOW, lease_seconds=30) == []
    async with db.transaction() as s:
        again = await outbox_q.claim_due(s, owner="D", now=NOW + timedelta(seconds=31), lease_seconds=30, limit=100)
    assert len(again) == 50


async def test_enqueue_many_skips_keys_that_exist(db: Database) -> None:
    async with db.transaction() as s:
        assert await outbox_q.enqueue(s, key="dup:0", kind="x", now=NOW, payload={"first": True})
        added = await outbox_q.enqueue_many(s, [outbox_q.NewItem(key="dup:0", kind="x", payload={"first": False}),
                                                outbox_q.NewItem(key="dup:1", kind="x", payload={"n": 1})], now=NOW)
        assert added == 1
        assert await outbox_q.enqueue_many(s, [], now=NOW) == 0
    async with db.transaction() as s:
        claimed = await outbox_q.claim_due(s, owner="A", now=NOW, lease_seconds=30)
    assert sorted((i.key, i.payload) for i in claimed) == [("dup:0", {"first": True}), ("dup:1", {"n": 1})]


async def test_next_due_is_the_first_free_row_or_the_earliest_lease_end(db: Database) -> None:
    async with db.transaction() as s:
        assert await outbox_q.next_due_at(s) is None
        await outbox_q.enqueue_many(s, [outbox_q.NewItem(key="due:now", kind="x"),
                                        outbox_q.NewItem(key="due:later", kind="x", due_at=NOW + timedelta(hours=2)),
                                        outbox_q.NewItem(key="due:days", kind="x", due_at=NOW + timedelta(days=3))],
                                    now=NOW)
        assert await outbox_q.next_due_at(s) == NOW
    async with db.transaction() as s:  # the due row leased for 30 s: claimable again when the lease ends
        claimed = await outbox_q.claim_due(s, owner="A", now=NOW, lease_seconds=30)
        assert [i.key for i in claimed] == ["due:now"]
        assert await outbox_q.next_due_at(s) == NOW + timedelta(seconds=30)
    async with db.transaction() as s:  # a lease ending after the next free row's time does not count
        await outbox_q.renew_leases(s, owner="A", ids=[claimed[0].id], now=NOW, lease_seconds=3 * 3600)
        assert await outbox_q.next_due_at(s) == NOW + timedelta(hours=2)
    async with db.transaction() as s:  # every pending row leased: the earliest lease end
        leased = await outbox_q.claim_due(s, owner="B", now=NOW + timedelta(days=4), lease_seconds=60)
        assert sorted(i.key for i in leased) == ["due:days", "due:later", "due:now"]
        await outbox_q.renew_leases(s, owner="B", ids=[claimed[0].id], now=NOW + timedelta(days=4),
                                    lease_seconds=600)
        assert await outbox_q.next_due_at(s) == NOW + timedelta(days=4, seconds=60)


async def test_next_due_does_not_read_every_pending_row(sqlite_db: Database) -> None:
    """Reminders days ahead are most pending rows, and the worker asks this each time it goes idle: the
    work must not grow with them (counted in SQLite's virtual-machine steps)."""

    async def steps() -> int:
        async with sqlite_db.transaction() as s:
            raw = (await (await s.connection()).get_raw_connection()).driver_connection._connection
            counted = [0]

            def count() -> int:
                counted[0] += 1
                return 0

            raw.set_progress_handler(count, 10)
            try:
                await outbox_q.next_due_at(s)
            finally:
                raw.set_progress_handler(None, 10)
        return counted[0]

    async def add(first: int, n: int) -> None:
        async with sqlite_db.transaction() as s:
            await outbox_q.enqueue_many(s, [outbox_q.NewItem(key=f"reminder:{i}", kind="x",
                                                             due_at=NOW + timedelta(days=1, minutes=i))
                                            for i in range(first, first + n)], now=NOW)
            await outbox_q.claim_due(s, owner="A", now=NOW, lease_seconds=30)

    await add(0, 10)
    few = await steps()
    await add(10, 3000)
    assert await steps() <= few + 5


async def test_enqueue_many_is_compiled_once_whatever_the_rows(db: Database, monkeypatch: Any) -> None:
    """Every report's intake writes its rows with it: compiling a statement per call cost more than running it."""
    from sqlalchemy.sql import compiler

    compiled: list[str] = []
    real = compiler.SQLCompiler.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled.append(type(self).__name__)
        real(self, *args, **kwargs)

    async def add(prefix: str, n: int) -> int:
        async with db.transaction() as s:
            return await outbox_q.enqueue_many(s, [outbox_q.NewItem(key=f"{prefix}:{i}", kind="x", report_id=i,
                                                                    payload={"n": i}) for i in range(n)], now=NOW)

    assert await add("first", 3) == 3
    monkeypatch.setattr(compiler.SQLCompiler, "__init__", counting)
    assert await add("second", 5) == 5 and await add("first", 4) == 1
    assert compiled == []
