"""Danger on the forum: the form shows the emergency contacts, a report saying someone is in danger pages
the committee by PM (never anyone implicated or excluded), and "on it" in reply stops the pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse, readable
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import ForumBot, discourse_section, running_bot
from tests.harness import make_config

SECRET = "he said he would wait for her outside the venue"
RESOURCES = [{"name": "Emergency services", "reach": "112"},
             {"name": "Venue security", "reach": "+49 30 555 0100", "calls": ["Berlin meetup"]}]


@pytest.fixture
async def sbot(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str, clock: ManualClock) -> AsyncIterator[ForumBot]:
    config = make_config(discourse=discourse_section(forum.base_url, committee_space="discourse"),
                         safety={"resources": RESOURCES})
    async with running_bot(slack, forum, config, sqlite_url, clock) as bot:
        yield bot


def pages(forum: FakeDiscourse, user: str, ref: str) -> list[str]:
    """Every page `user` got about `ref`, each PM's first post as readable text."""
    return [readable(t.posts[0]["raw"]) for t in forum.pms_with(user)
            if t.posts and t.posts[0]["username"] == forum.bot and ref in readable(t.posts[0]["raw"])
            and "paged" in t.posts[0]["raw"]]


def page_topic(forum: FakeDiscourse, user: str, ref: str) -> int:
    return next(t.id for t in forum.pms_with(user) if t.posts and ref in readable(t.posts[0]["raw"])
                and "paged" in t.posts[0]["raw"])


async def test_the_form_shows_the_contacts_and_the_confirmation_says_people_are_paged(sbot: ForumBot) -> None:
    await sbot.pm("rita")
    await sbot.drain()
    url = sbot.link_for("rita")
    _, form = await sbot.get(url)
    assert "Emergency services" in form and "112" in form
    assert "Venue security" not in form  # for one call only
    status, page = await sbot.submit(url, {"description": SECRET, "danger": "yes"})
    assert status == 200 and "112" in page and "being paged now" in page


async def test_danger_pages_the_committee_by_pm_and_on_it_stops_the_pages(sbot: ForumBot, clock: ManualClock) -> None:
    ref = await sbot.report("rita", description=SECRET, danger="yes", exclude=["carol"])
    await sbot.drain()
    assert len(pages(sbot.forum, "alice", ref)) == 1 and len(pages(sbot.forum, "bob", ref)) == 1
    assert pages(sbot.forum, "carol", ref) == []
    assert "carol" not in sbot.forum.who_saw(ref)
    [page] = pages(sbot.forum, "alice", ref)
    assert "112" in page and "on it" in page and SECRET not in page

    clock.advance(minutes=15)
    await sbot.drain()
    assert len(pages(sbot.forum, "alice", ref)) == 2

    # Anything else in reply is answered with how to answer the page.
    post = sbot.forum.user_pm("bob", "what happened?", topic_id=page_topic(sbot.forum, "bob", ref))
    status, body = await sbot.deliver({"post": post}, "post", "post_created")
    assert body["outcome"] == "danger page: not an answer"
    post = sbot.forum.user_pm("bob", "On it, calling her now", topic_id=page_topic(sbot.forum, "bob", ref))
    status, body = await sbot.deliver({"post": post}, "post", "post_created")
    assert status == 200 and body["outcome"] == "danger page: acknowledged"
    await sbot.drain()
    assert any("Someone is on it" in text for text in sbot.forum.bot_posts_to("alice"))
    assert any("responding to your report" in text for text in sbot.forum.bot_posts_to("rita"))
    clock.advance(hours=2)
    await sbot.drain()
    assert len(pages(sbot.forum, "alice", ref)) == 2 and pages(sbot.forum, "carol", ref) == []
