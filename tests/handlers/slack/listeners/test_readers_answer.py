"""The reporter's "bring the others in" is acknowledged before it is stored, and takes effect once however
often it is clicked."""

from __future__ import annotations

import pytest

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness

SECRET = "slowly widened account"


async def test_widening_is_acknowledged_at_once_and_happens_once(bot: Harness,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    ref = await bot.report(description=SECRET, readers=["UCAROL"], exclude=["UBOB"])
    await bot.drain()
    bot.clock.advance(hours=25)  # past the deadline: the reporter is asked
    await bot.drain()
    assert any("readers_widen" in str(m) and ref in flatten(m) for m in bot.fake.dms_to("UREPORTER"))
    with bot.storing_slowly():
        answers = [await bot.click("UREPORTER", "readers_widen", ref) for _ in range(2)]
    assert [(a.status, a.text) for a in answers] == [(200, ""), (200, "")]
    assert not [r for r in caplog.records if "ack()" in r.getMessage()]
    await bot.drain()
    assert bot.fake.who_saw(SECRET) - {"UREPORTER"} == {"UCAROL", "UALICE"}
    assert sum(SECRET in flatten(m) for m in bot.fake.dms_to("UALICE")) <= 1
