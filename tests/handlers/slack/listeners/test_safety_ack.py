""""I'm on it" is acknowledged before it is stored; two members clicking make one acknowledgement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config


@pytest.fixture
async def sbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = Harness(slack, make_config(safety={"resources": [{"name": "Emergency services", "reach": "911"}]}),
                      sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def test_on_it_is_acknowledged_at_once_and_the_reporter_told_once(sbot: Harness,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    bot = sbot
    ref = await bot.report(description="Following me to the hotel", danger="yes")
    await bot.drain()
    with bot.storing_slowly():
        answers = await asyncio.gather(*(bot.click(user, "safety_ack", ref, channel=f"D{user}", settle=False)
                                         for user in ("UALICE", "UBOB")))
        await bot.settle()
    assert [(a.status, a.text) for a in answers] == [(200, ""), (200, "")]
    assert not [r for r in caplog.records if "ack()" in r.getMessage()]
    await bot.drain()
    told = [flatten(m) for m in bot.fake.dms_to("UREPORTER") if "is responding to your report" in flatten(m)]
    assert len(told) == 1
