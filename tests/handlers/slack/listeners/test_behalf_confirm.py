"""The person a report was filed for confirms it: acknowledged before it is stored, confirmed once however
often it is clicked."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, Harness, make_config
from tests.handlers.slack.triage_support import stored

FACILITATOR = "UFACIL"


@pytest.fixture
async def fbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    slack.add_user(FACILITATOR)
    harness = Harness(slack, make_config(duty={"facilitators": [FACILITATOR]}), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_confirmation_is_acknowledged_at_once_and_stored_once(fbot: Harness,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    ref = await fbot.report(FACILITATOR, description="Told me at the call", on_behalf="UREPORTER")
    await fbot.drain()
    with fbot.storing_slowly():
        answers = [await fbot.click("UREPORTER", "behalf_confirm_anonymous", ref) for _ in range(2)]
    assert [(a.status, a.text) for a in answers] == [(200, ""), (200, "")]
    assert not [r for r in caplog.records if "ack()" in r.getMessage()]
    assert (await stored(fbot, ref)).behalf_confirmed
    await fbot.drain()
    committee = [flatten(m) for m in fbot.fake.messages_in(COMMITTEE_CHANNEL)]
    assert sum("has confirmed it" in t for t in committee) == 1
