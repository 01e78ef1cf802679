"""An announcement approved after Slack was answered "being saved": posted once, however often approved."""

from __future__ import annotations

from tests.harness import GENERAL, Harness
from tests.handlers.slack.triage_support import acknowledged_report, buttons, modal, text_of, thread

TEXT = ("A community member made repeated unwelcome remarks in a call.\nThis was a violation of our policy.\n"
        "We have taken action.")


async def test_a_slow_approval_is_confirmed_after_being_saved_and_posted_once(bot: Harness) -> None:
    bot.fake.channels[GENERAL].members.add(bot.fake.bot_user_id)
    report = await acknowledged_report(bot, "Slow announcement test")
    await modal(bot, "UBOB", "triage_decide", report.ref, {
        "outcome": "public_reprimand", "message": "We will reprimand publicly.", "announcement": TEXT,
        "announce_channel": GENERAL})
    await bot.drain()
    [post] = [m for m in thread(bot, report.space_channel, report.message_ts)
              if "triage_review_announcement" in buttons(m)]
    value = next(e["value"] for b in post["blocks"] if b.get("type") == "actions" for e in b["elements"])
    await bot.click("UCAROL", "triage_review_announcement", value, channel=report.space_channel,
                    message_ts=post["ts"], expect_view=True)
    form = bot.fake.open_view_for("UCAROL")
    answers = []
    for _ in range(2):  # the same form sent twice (a double click on Approve)
        with bot.storing_slowly():
            answers.append(await bot.submit_view("UCAROL", {}, form))
        await bot.drain()
    assert all(a.status == 200 and a.saving for a in answers), answers
    assert answers[0].json()["view"]["title"]["text"] == "Approved"
    [posted] = bot.fake.messages_in(GENERAL)
    assert "repeated unwelcome remarks" in text_of(posted)
