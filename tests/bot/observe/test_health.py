"""/healthz and /readyz: the status codes a load balancer acts on."""

from __future__ import annotations

import time

import aiohttp
from sqlalchemy import text

from tests.harness import Harness


async def get(bot: Harness, path: str) -> tuple[int, dict[str, object]]:
    base = bot.url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as http, http.get(f"{base}{path}") as response:
        return response.status, await response.json()


async def test_alive_and_ready_once_slack_accepted_the_token(bot: Harness) -> None:
    assert await get(bot, "/healthz") == (200, {"ok": True})
    status, body = await get(bot, "/readyz")
    assert status == 200, body
    assert body == {"ready": True, "checks": {"database": "ok", "schema": "ok", "platform_slack": "ok",
                                              "outbox_worker": "ok"}}


async def test_a_refused_token_makes_it_unready_but_alive(bot: Harness) -> None:
    from cocbot.handlers.slack.testing.fake_api import Fault

    bot.fake.faults["auth.test"].append(Fault(status=200, error="invalid_auth"))
    status, body = await get(bot, "/readyz")
    assert status == 503 and body["checks"]["platform_slack"] == "error (DeliveryError)", body  # type: ignore[index]
    assert (await get(bot, "/healthz"))[0] == 200
    assert (await get(bot, "/readyz"))[0] == 200  # accepted now: remembered, not asked again


async def test_a_schema_behind_the_release_is_unready(bot: Harness) -> None:
    async with bot.runtime.db.transaction() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    status, body = await get(bot, "/readyz")
    assert status == 503 and body["checks"]["schema"] == "not at head", body  # type: ignore[index]


async def test_a_stopped_or_stuck_worker_is_unready(bot: Harness) -> None:
    readiness = bot.runtime.readiness
    assert readiness is not None
    readiness.worker_expected = True  # the harness runs deliveries itself; here the worker is the real one
    assert (await readiness.check())["outbox_worker"] == "not running"
    worker = bot.runtime.worker
    worker.start()
    try:
        assert (await readiness.check())["outbox_worker"] == "ok"
        worker.last_turn = time.monotonic() - readiness.stuck_after - 1  # as if its loop hung that long
        assert (await readiness.check())["outbox_worker"] == "stuck"
        status, _ = await get(bot, "/readyz")
        assert status == 503
    finally:
        await worker.stop()
