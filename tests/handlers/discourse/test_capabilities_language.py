"""On the forum too, the capabilities added after the first release answer in the reader's language: a member
with a French profile talks first in French; a French committee's PM answers its commands in French, while the
command words stay English."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.i18n import translator
from cocbot.bot.talk import texts as talk_texts
from cocbot.bot.triage.commands import HELP
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import ForumBot, discourse_section
from tests.handlers.discourse.test_talk import on_duty, say, talk_topic, tbot  # noqa: F401
from tests.handlers.discourse.test_triage_commands import committee_says, replies_in
from cocbot.bot.discourse.threads import topic_id_of
from tests.harness import Harness, make_config

FR = translator("fr")


def french(english: str) -> str:
    said = FR.gettext(english)
    assert said != english, f"no French for {english!r}"
    return said


async def test_a_member_with_a_french_profile_talks_first_in_french(tbot: ForumBot) -> None:  # noqa: F811
    bot = tbot
    bot.forum.add_user("rita", locale="fr")
    assert await say(bot, "rita", "talk") == "talk help"
    assert any(talk_texts.forum_help(FR) in text for text in bot.forum.bot_posts_to("rita"))
    await on_duty(bot)
    assert await say(bot, "rita", "talk\nQuelqu’un m’écrit après chaque appel.") == "talk open: ok"
    started = french("Your conversation has started. cocbot will bring the answers to your direct messages. "
                     "Nothing is a report unless you make it one.")
    assert any(started in text for text in bot.forum.bot_posts_to("rita"))
    assert talk_topic(bot, "fiona")


@pytest.fixture
async def fr_forum(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
                   clock: ManualClock) -> AsyncIterator[ForumBot]:
    config = make_config(discourse=discourse_section(forum.base_url, committee_space="discourse"),
                         community={"name": "Communauté", "language": "fr"})
    harness = Harness(slack, config, sqlite_url, clock)
    await harness.start()
    bot = ForumBot(harness, forum)
    yield bot
    await bot.close()
    await harness.stop()


async def test_a_french_committee_pm_answers_in_french_and_keeps_the_english_command_words(
        fr_forum: ForumBot) -> None:
    bot = fr_forum
    ref = await bot.report()
    await bot.drain()
    topic = topic_id_of((await bot.stored(ref)).space_channel or "")
    assert topic is not None
    assert await committee_says(bot, ref, "alice", "help") == "help"
    helped = french(HELP)
    assert any(helped in r for r in replies_in(bot, topic))
    # The words cocbot understands are the same in every language.
    assert "ack" in helped and "decide temporary ban" in helped and "who:" in helped
    assert await committee_says(bot, ref, "alice", "ack") == "triage acknowledge: ok"
    assert await committee_says(bot, ref, "bob", "ack") == "triage acknowledge: refused"
    already = french("%(ref)s is already %(state)s; the reporter was told once.") % {
        "ref": ref, "state": french("acknowledged")}
    assert any(already in r for r in replies_in(bot, topic))
