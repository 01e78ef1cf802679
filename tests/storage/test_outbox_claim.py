"""storage/outbox claim_due and enqueue_many on both engines.

claim_due is one UPDATE … RETURNING over a locking CTE; a plain `IN (subquery … LIMIT n FOR UPDATE SKIP
LOCKED)` lets PostgreSQL rescan the subquery and lease every due row to one replica, so the limit and
disjointness are checked here, not only in the slower replica tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


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
