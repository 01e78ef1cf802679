"""Submitting the report modal when storing outlasts the answer budget: Slack is answered with "being saved"
and the modal is updated once the report is stored. Forced with the harness's storing_slowly(), so these take
the slow path however idle or loaded the machine is."""

from __future__ import annotations

from sqlalchemy import func, select

from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage.models import Report
from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness, reference_in


async def reports_stored(bot: Harness) -> int:
    async with bot.runtime.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Report))).scalar_one())


async def test_a_slow_submission_is_answered_being_saved_then_confirmed_stored_once_and_delivered(
        bot: Harness) -> None:
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    with bot.storing_slowly():
        answer = await bot.submit_view("UREPORTER", {"description": "Sent while storing was slow"}, view,
                                       settle=False)
        assert "being saved" in flatten(answer.json()["view"])
        ref = await bot.submitted_reference(answer, str(view["id"]))
    [update] = bot.fake.calls_to("views.update")
    assert update.params["view_id"] == view["id"] and ref == reference_in(update.params["view"])
    assert await reports_stored(bot) == 1
    await bot.drain()
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    assert ref in flatten(post)
    [dm] = bot.fake.dms_to("UREPORTER")
    assert ref in dm["text"]


async def test_report_helper_follows_a_slow_submission_to_its_confirmation(bot: Harness) -> None:
    with bot.storing_slowly():
        slow = await bot.report(description="The first, slowly")
    fast = await bot.report(description="The second, at once")
    assert len(bot.fake.calls_to("views.update")) == 1  # only the first took the slow path
    assert slow != fast and await reports_stored(bot) == 2
    await bot.drain()
    posts = [flatten(m) for m in bot.fake.messages_in(COMMITTEE_CHANNEL)]
    assert [sum(ref in p for p in posts) for ref in (slow, fast)] == [1, 1]
