"""Work attached to another kind's delivery (`OutboxWorker.after`): run with the handler's result, before
the row is done; a failing hook retries the row like a failing handler."""

from __future__ import annotations

from typing import Any

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


async def test_a_hook_sees_each_delivery_of_its_kind_and_a_failing_hook_retries_the_row(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.create_schema()
    clock = ManualClock()
    worker = OutboxWorker(db, clock)
    seen: list[tuple[str, dict[str, Any]]] = []
    fail = True

    async def send(item: ClaimedItem) -> Any:
        return {"channel": f"topic:{item.key}"}

    async def send_done(item: ClaimedItem) -> Any:
        return Done({"channel": "topic:done"}, also=lambda session: _nothing())

    async def remember(item: ClaimedItem, result: dict[str, Any]) -> None:
        if fail and item.key == "bad":
            raise RuntimeError("database locked")
        seen.append((item.key, result))

    worker.register("pm", send)
    worker.register("pm_done", send_done)
    worker.register("other", send)
    worker.after("pm", remember)
    worker.after("pm_done", remember)
    try:
        async with db.transaction() as s:
            for key, kind in (("good", "pm"), ("bad", "pm"), ("via-done", "pm_done"), ("unrelated", "other")):
                await outbox_q.enqueue(s, key=key, kind=kind, now=clock.now())
        assert await worker.run_once() == 4
        assert sorted(seen) == [("good", {"channel": "topic:good"}), ("via-done", {"channel": "topic:done"})]
        async with db.transaction() as s:
            assert (await outbox_q.item_status(s, "bad"))[0] == "pending"  # type: ignore[index]
        fail = False
        clock.advance(hours=1)
        assert await worker.run_once() == 1
        assert ("bad", {"channel": "topic:bad"}) in seen
    finally:
        await db.dispose()


async def _nothing() -> None:
    return None
