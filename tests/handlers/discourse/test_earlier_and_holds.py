"""On Discourse: the form's hold option, a held forum report released when a Slack report names the same
person (the identity map links mallory and UMALLORY), a reporter's "withdraw" in their PM, and the
earlier-cases listing in the committee's forum PM."""

from __future__ import annotations

from tests.handlers.discourse.conftest import ForumBot
from tests.handlers.slack.triage_support import audit
from tests.harness import Harness

SECRET = "forum-held-3a7e"


async def test_the_form_offers_to_hold_a_report(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    _, page = await fbot.get(fbot.link_for("rita"))
    assert "Hold my report. Send it to the committee only if someone else also reports this person." in page
    status, page = await fbot.submit(fbot.link_for("rita"), {"description": "x", "hold": "hold"})
    assert status == 422 and "choose who was involved" in page


async def test_a_held_forum_report_is_released_by_a_slack_report_naming_the_same_person(
        fbot_slack_space: ForumBot) -> None:
    fbot = fbot_slack_space
    slack_bot: Harness = fbot.harness
    ref = await fbot.report("rita", description=f"what happened {SECRET}", implicated="mallory", hold="hold")
    await fbot.drain()
    assert (await fbot.stored(ref)).message_ts is None
    assert SECRET not in str(slack_bot.fake.messages_in("CCOMMITTEE"))
    assert any("is stored and held" in text and "release" in text for text in fbot.forum.bot_posts_to("rita"))
    # Someone else reports UMALLORY on Slack: the forum report goes to the committee, marked, and rita is told.
    await slack_bot.report(user="UWITNESS", implicated=["UMALLORY"])
    await fbot.drain()
    released = await fbot.stored(ref)
    assert released.message_ts is not None
    assert SECRET in str(slack_bot.fake.messages_in("CCOMMITTEE"))
    assert "Released by a match" in str(slack_bot.fake.messages_in("CCOMMITTEE"))
    assert any("Someone else has reported the same person" in text for text in fbot.forum.bot_posts_to("rita"))


async def test_a_forum_reporter_withdraws_their_held_report_by_replying(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description=f"what happened {SECRET}", implicated="mallory", hold="hold")
    await fbot.drain()
    topic = fbot.forum.pms_with("rita")[-1]
    await fbot.pm("rita", "withdraw", topic_id=topic.id)
    await fbot.drain()
    assert (await fbot.stored(ref)).description == ""
    assert any("was withdrawn" in text for text in fbot.forum.bot_posts_to("rita"))
    await fbot.report("wanda", implicated="mallory")
    await fbot.drain()
    assert fbot.forum.who_saw(SECRET) <= {"rita"}


async def test_a_pattern_across_two_forum_reports_is_listed_in_the_committee_pm(fbot: ForumBot) -> None:
    first = await fbot.report("rita", implicated="mallory")
    await fbot.drain()
    await fbot.report("wanda", implicated="mallory")
    await fbot.drain()
    seen = fbot.forum.who_saw(f"Earlier: {first}")
    assert seen and seen <= {"alice", "bob", "carol", "cocbot"}


async def test_earlier_sends_an_earlier_case_to_a_member_who_may_read_it(fbot: ForumBot) -> None:
    from cocbot.bot.discourse.threads import topic_id_of

    first = await fbot.report("rita", implicated="mallory", description="first account 52ce in a thread",
                              exclude="bob")
    await fbot.drain()
    second = await fbot.report("wanda", implicated="mallory", exclude="bob")
    await fbot.drain()
    topic = topic_id_of(str((await fbot.stored(second)).space_channel))
    assert topic is not None
    await fbot.pm("alice", f"earlier {first}", topic_id=topic)
    await fbot.drain()
    assert fbot.forum.who_saw("first account 52ce") == {"alice", "carol"}
    assert sum("first account 52ce" in p for p in fbot.forum.bot_posts_to("alice")) == 2  # the case, and alone
    # bob, excluded from the first case, asks for it from a case he reads: refused, nothing sent.
    third = await fbot.report("wanda", implicated="mallory")
    await fbot.drain()
    topic = topic_id_of(str((await fbot.stored(third)).space_channel))
    await fbot.pm("bob", f"earlier {first}", topic_id=topic)
    await fbot.drain()
    assert "bob" not in fbot.forum.who_saw("first account 52ce")
    assert any("may not open that earlier case" in p for p in fbot.forum.bot_posts_to("bob"))


async def test_a_held_forum_report_is_released_by_another_forum_report(fbot: ForumBot) -> None:
    held = await fbot.report("rita", description=f"what happened {SECRET}", implicated="mallory", hold="hold")
    await fbot.drain()
    assert fbot.forum.who_saw(SECRET) <= {"rita"}
    await fbot.report("wanda", implicated="Mallory")  # usernames match whatever their case
    await fbot.drain()
    assert (await fbot.stored(held)).message_ts is not None
    assert fbot.forum.who_saw(SECRET) - {"rita"} == {"alice", "bob", "carol"}
    assert fbot.forum.who_saw("Released by a match") == {"alice", "bob", "carol"}
    assert any("Someone else has reported the same person" in text for text in fbot.forum.bot_posts_to("rita"))


async def test_earlier_on_the_forum_opens_a_case_filed_on_slack_there(fbot: ForumBot) -> None:
    from cocbot.bot.discourse.threads import topic_id_of

    slack_bot: Harness = fbot.harness
    first = await slack_bot.report(user="UWITNESS", implicated=["UMALLORY"], description="slack account 9d3e",
                                   exclude=["UBOB"])
    await fbot.drain()
    second = await fbot.report("wanda", implicated="mallory", exclude="bob")
    await fbot.drain()
    assert fbot.forum.who_saw(f"Earlier: {first}") - {"cocbot"} == {"alice", "carol"}
    topic = topic_id_of(str((await fbot.stored(second)).space_channel))
    assert topic is not None
    await fbot.pm("alice", f"earlier {first}", topic_id=topic)
    await fbot.drain()
    # Sent to alice alone, on the forum where she asked (her Slack self is the same reader), and audited.
    assert fbot.forum.who_saw("slack account 9d3e") == {"alice"}
    assert any(e.action == "view_earlier" and e.actor == "alice" for e in await audit(slack_bot, first))


async def test_view_earlier_on_slack_opens_a_case_filed_on_the_forum(fbot: ForumBot) -> None:
    from cocbot.handlers.slack.testing.fake_api import flatten

    slack_bot: Harness = fbot.harness
    first = await fbot.report("rita", implicated="mallory", description="forum account 4b7a")
    await fbot.drain()
    second = await slack_bot.report(user="UWITNESS", implicated=["UMALLORY"])
    await fbot.drain()
    report = await fbot.stored(second)
    assert report.space_channel and report.message_ts
    listed = [m for m in slack_bot.fake.messages_in(report.space_channel) if f"Earlier: {first}" in flatten(m)]
    assert listed
    await slack_bot.click("UALICE", f"earlier_view:{first}", f"{second}:{first}", channel=report.space_channel,
                          message_ts=report.message_ts, expect_view=True)
    assert "forum account 4b7a" in flatten(slack_bot.fake.calls_to("views.open")[-1].params["view"])
    assert any(e.action == "view_earlier" and e.actor == "UALICE" for e in await audit(slack_bot, first))
