"""Information added after Slack was answered "being saved": confirmed in the modal, sent to the space once."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness


async def test_slow_added_information_is_confirmed_after_being_saved_and_sent_once(bot: Harness) -> None:
    ref = await bot.report(description="First part")
    await bot.drain()
    await bot.click("UREPORTER", "add_information", ref, expect_view=True)
    with bot.storing_slowly():
        resp = await bot.submit_view("UREPORTER", {"information": "Second part, slowly"})
    assert resp.status == 200 and resp.saving, resp
    assert ref in flatten(resp.json()["view"])
    await bot.drain()
    assert sum("Second part, slowly" in flatten(m) for ch in bot.fake.channels
               for m in bot.fake.messages_in(ch)) == 1
