"""Talk first on the forum, end to end against the fake Discourse: `talk` in a PM to the bot, the relay both
ways through each side's own PM, anonymity, a report form prefilled from the conversation, a handover with
consent, the unanswered notice and the bypass path. A community on Discourse alone."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import parse_config
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse, readable
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import FORUM_COMMITTEE, ForumBot, running_bot
from tests.handlers.discourse.test_discourse_only import forum_only, say_in

FACILITATORS = ("fiona", "fred")


@pytest.fixture
async def tbot(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
               clock: ManualClock) -> AsyncIterator[ForumBot]:
    for user in FACILITATORS:
        forum.add_user(user)
    data = forum_only(forum.base_url)
    data["duty"] = {"facilitators": list(FACILITATORS)}
    async with running_bot(slack, forum, parse_config(data), sqlite_url, clock, slack_unused=True) as bot:
        yield bot


async def say(bot: ForumBot, username: str, raw: str, topic: int | None = None) -> str:
    return await say_in(bot, topic, username, raw)


def talk_topic(bot: ForumBot, username: str) -> int:
    """The PM topic cocbot started with `username` for the conversation (only they and the bot in it)."""
    topics = [t for t in bot.forum.pms_with(username) if t.allowed == {username, bot.forum.bot}
              and t.posts and t.posts[0]["username"] == bot.forum.bot]
    assert topics, f"cocbot started no conversation PM with {username}"
    return topics[-1].id


def posts_in(bot: ForumBot, topic: int) -> list[str]:
    return [readable(p["raw"]) for p in bot.forum.topics[topic].posts if p["username"] == bot.forum.bot]


def committee_saw_nothing(bot: ForumBot) -> None:
    for member in FORUM_COMMITTEE:
        assert not bot.forum.pms_with(member), f"{member} was told about a conversation"


async def on_duty(bot: ForumBot, who: str = "fiona") -> None:
    await say(bot, who, "onduty take 8h")


async def test_anonymous_talk_relays_both_ways_through_each_sides_pm(tbot: ForumBot) -> None:
    bot = tbot
    await on_duty(bot)
    outcome = await say(bot, "rita", "talk anonymously\nI am unsure whether this is worth reporting.")
    assert outcome == "talk open: ok"
    helper_topic, member_topic = talk_topic(bot, "fiona"), talk_topic(bot, "rita")
    assert bot.forum.topics[helper_topic].allowed == {"fiona", "cocbot"}
    [opened] = posts_in(bot, helper_topic)
    assert "I am unsure whether this is worth reporting." in opened and "rita" not in opened
    assert "fiona" in posts_in(bot, member_topic)[0]

    assert await say(bot, "fiona", "Tell me more, <b>if</b> you like.", helper_topic) == "talk relayed"
    assert "Tell me more, <b>if</b> you like." in posts_in(bot, member_topic)[-1]
    assert "<b>" not in bot.forum.topics[member_topic].posts[-1]["raw"]  # escaped, never markup
    await say(bot, "rita", "It was in the help channel.", member_topic)
    assert "It was in the help channel." in posts_in(bot, helper_topic)[-1]
    assert not any("rita" in text for text in posts_in(bot, helper_topic))
    assert bot.forum.who_saw("It was in the help channel.") <= {"fiona", "rita"}
    committee_saw_nothing(bot)


async def test_make_this_a_report_opens_the_form_prefilled(tbot: ForumBot) -> None:
    bot = tbot
    await on_duty(bot)
    await say(bot, "rita", "talk\nBob mocked my accent in a thread.")
    helper_topic, member_topic = talk_topic(bot, "fiona"), talk_topic(bot, "rita")
    assert await say(bot, "fiona", "suggest a report", helper_topic) == "talk suggest: ok"
    assert any("suggests making this a report" in text for text in posts_in(bot, member_topic))
    committee_saw_nothing(bot)

    assert await say(bot, "rita", "make this a report", member_topic) == "talk report form"
    link = bot.link_for("rita")
    _, page = await bot.get(link)
    assert "Bob mocked my accent in a thread." in page
    status, page = await bot.submit(link, {"description": "Bob mocked my accent in a thread, twice."})
    assert status == 200, page
    ref = re.search(r"R-\d{4,}", page)
    assert ref is not None
    async with bot.runtime.db.transaction() as session:
        from cocbot.storage import talk as talk_q

        assert await talk_q.purge_consultations(session, bot.harness.clock.now().replace(year=2100)) == 0


async def test_a_suggestion_brings_the_prefilled_form_link_into_the_conversation(tbot: ForumBot) -> None:
    from tests.handlers.discourse.conftest import LINK

    bot = tbot
    await on_duty(bot)
    await say(bot, "rita", "talk\nSomeone keeps messaging me after the call.")
    helper_topic, member_topic = talk_topic(bot, "fiona"), talk_topic(bot, "rita")
    await say(bot, "rita", "It happened three times this week.", member_topic)
    assert await say(bot, "fiona", "suggest a report", helper_topic) == "talk suggest: ok"
    await bot.drain()
    # No need to ask for it: the one-time link is in the member's conversation PM, and only there.
    after = posts_in(bot, member_topic)
    assert any("suggests making this a report" in text for text in after)
    links = [m.group(1) for text in after for m in LINK.finditer(text)]
    assert len(links) == 1
    assert not any(LINK.search(text) for text in posts_in(bot, helper_topic))
    assert any("reply “make this a report” here for a fresh one" in text for text in after)
    _, page = await bot.get(bot.base + links[0])
    assert "Someone keeps messaging me after the call." in page and "It happened three times this week." in page
    committee_saw_nothing(bot)
    status, page = await bot.submit(bot.base + links[0], {"description": "Someone keeps messaging me, three times."})
    assert status == 200, page
    assert (await bot.submit(bot.base + links[0], {"description": "again"}))[0] == 410  # one-time


async def test_handover_with_consent_and_the_excluded_never_take_part(tbot: ForumBot) -> None:
    bot = tbot
    await on_duty(bot)
    await say(bot, "rita", "talk not @carol\nI need some advice.")
    helper_topic, member_topic = talk_topic(bot, "fiona"), talk_topic(bot, "rita")
    assert await say(bot, "fiona", "hand over to @carol", helper_topic) == "talk handover: refused"
    assert await say(bot, "fiona", "hand over to @fred", helper_topic) == "talk handover: ok"
    assert not bot.forum.pms_with("fred")
    assert "would like to hand your conversation over to" in posts_in(bot, member_topic)[-1]
    assert await say(bot, "rita", "agree", member_topic) == "talk agree: ok"
    fred_topic = talk_topic(bot, "fred")
    assert "I need some advice." in posts_in(bot, fred_topic)[0]
    await say(bot, "rita", "Thank you both.", member_topic)
    assert "Thank you both." in posts_in(bot, fred_topic)[-1]
    assert bot.forum.who_saw("Thank you both.") <= {"fred", "rita"}
    assert not bot.forum.pms_with("carol")


async def test_about_the_facilitator_on_duty_and_unanswered(tbot: ForumBot, clock: ManualClock) -> None:
    bot = tbot
    await on_duty(bot)
    assert await say(bot, "rita", "talk about duty\nIt is about the facilitator.") == "talk open: refused"
    assert await say(bot, "rita", "talk about duty to @fiona\nIt is about her.") == "talk open: refused"
    assert await say(bot, "rita", "talk about duty to @fred\nIt is about the facilitator.") == "talk open: ok"
    assert not any("It is about" in text for text in bot.forum.bot_posts_to("fiona"))
    member_topic = talk_topic(bot, "rita")
    clock.advance(days=2)
    await bot.drain()
    assert "Nobody has answered you" in posts_in(bot, member_topic)[-1]
    assert await say(bot, "rita", "someone else @alice", member_topic) == "talk someone else: ok"
    assert "It is about the facilitator." in posts_in(bot, talk_topic(bot, "alice"))[0]


async def test_a_forum_member_talks_to_a_slack_committee_member_through_the_identity_map(
        fbot_slack_space: ForumBot) -> None:
    """The committee works in Slack; alice is linked to her forum account, so a forum member can pick her."""
    bot = fbot_slack_space
    assert await say(bot, "rita", "talk to @alice not @mallory\nCan we talk about a thread?") == "talk open: ok"
    helper_topic, member_topic = talk_topic(bot, "alice"), talk_topic(bot, "rita")
    assert "Can we talk about a thread?" in posts_in(bot, helper_topic)[0]
    assert "**From**: rita" in posts_in(bot, helper_topic)[0]  # named: a forum member shown by username
    assert "alice" in posts_in(bot, member_topic)[0]
    await say(bot, "alice", "Of course.", helper_topic)
    assert "Of course." in posts_in(bot, member_topic)[-1]
    assert await say(bot, "rita", "talk to @mallory\nHi") == "talk open: refused"  # takes no conversations
    assert not bot.forum.pms_with("mallory")
    assert not bot.harness.fake.messages_in("CCOMMITTEE")


async def test_talk_alone_answers_with_how_to(tbot: ForumBot) -> None:
    assert await say(tbot, "rita", "talk") == "talk help"
    assert any("starting with “talk”" in text for text in tbot.forum.bot_posts_to("rita"))
