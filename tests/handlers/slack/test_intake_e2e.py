"""Report intake end to end: /report and the shortcut, through HTTP, against the fake Slack."""

from __future__ import annotations

from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness


async def test_report_reaches_committee_channel_and_reporter_gets_dm(bot: Harness) -> None:
    ref = await bot.report(description="He kept interrupting me in the call", implicated=["UMALLORY"])
    await bot.drain()
    posts = bot.fake.messages_in(COMMITTEE_CHANNEL)
    assert len(posts) == 1 and ref in str(posts[0]["blocks"])
    assert "He kept interrupting me" in str(posts[0]["blocks"])
    dms = bot.fake.dms_to("UREPORTER")
    assert len(dms) == 1 and ref in dms[0]["text"]
    assert bot.fake.who_saw("He kept interrupting") == {"UALICE", "UBOB", "UCAROL"}
