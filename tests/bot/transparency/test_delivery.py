"""The transparency report reaches only the committee member who asks: from App Home in Slack (a DM), and by a
private message to the bot on a forum-only community (tests/handlers/discourse/test_transparency.py)."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.handlers.slack.transparency_views import ACTION_ID
from tests.handlers.slack.test_app_home import open_home
from tests.handlers.slack.triage_support import file_report
from tests.harness import Harness


async def test_a_committee_member_gets_the_figures_in_a_dm_from_app_home(bot: Harness) -> None:
    for _ in range(4):
        await file_report(bot, description="Counted, never shown")
    ref, channel, _ = await file_report(bot, description="One acknowledged")
    assert (await bot.runtime.services.triage.acknowledge(ref, "UALICE", channel)).ok
    await bot.drain()
    assert "Transparency report" in await open_home(bot, "UALICE")
    assert "Transparency report" not in await open_home(bot, "UOTHER")
    before = {u: len(bot.fake.seen_by(u)) for u in ("UBOB", "UCAROL", "UREPORTER", "UOTHER")}
    resp = await bot.click("UALICE", ACTION_ID, "this_year", expect_view=True)
    assert resp.status == 200
    await bot.drain()
    [dm] = [m for m in bot.fake.dms_to("UALICE") if "transparency report" in flatten(m).lower()]
    text = flatten(dm)
    assert "Reports received" in text and "*5*" not in text and "5" in text
    assert "fewer than 3" in text  # the one acknowledged case's time is not given
    assert "R-0" not in text and "Counted, never shown" not in text
    assert {u: len(bot.fake.seen_by(u)) for u in before} == before
    # Someone not on the committee who crafts the click gets nothing.
    await bot.click("UOTHER", ACTION_ID, "this_year", expect_view=True)
    await bot.drain()
    assert not [m for m in bot.fake.dms_to("UOTHER") if "Reports received" in flatten(m)]
