"""The privacy property for a community on Discourse only, over random committees: nobody implicated,
excluded or the author of a flagged post ever reads report content in any PM cocbot writes, and every report
reaches an eligible member, the escalation contact, or is held and the reporter told."""

from __future__ import annotations

import asyncio
import re
import tempfile
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocbot.bot.config.community import parse_config
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse
from tests.fakes.discourse_specs import check_request, check_response, have_discourse_specs
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import ForumBot, discourse_section
from tests.harness import Harness

POOL = [f"p{i}" for i in range(7)]
REPORTER = "rita"
SECRET = "SECRET-4c21"
SNAPSHOT = "SNAPSHOT-e09d"


@st.composite
def situations(draw: st.DrawFn) -> dict[str, Any]:
    members = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=5, unique=True))
    return dict(
        members=members,
        escalation=draw(st.one_of(st.none(), st.sampled_from(POOL))),
        implicated=draw(st.lists(st.sampled_from(POOL + ["guest"]), max_size=4, unique=True)),
        excluded=draw(st.lists(st.sampled_from(members), max_size=len(members), unique=True)),
        flagged_author=draw(st.one_of(st.none(), st.sampled_from(POOL + ["guest"]))),
        anonymity=draw(st.sampled_from(["named", "confidential", "anonymous"])),
    )


async def run(s: dict[str, Any], tmp: str) -> None:
    specs = have_discourse_specs()
    forum = FakeDiscourse(checker=check_request if specs else None,
                          response_checker=check_response if specs else None)
    for user in (*POOL, "guest", REPORTER):
        forum.add_user(user)
    await forum.start()
    slack = FakeSlack()
    await slack.start()
    section = discourse_section(forum.base_url, identities={}, committee=s["members"],
                                escalation_contact=s["escalation"])
    harness = Harness(slack, parse_config({"discourse": section}), f"sqlite+aiosqlite:///{tmp}/p.sqlite3")
    await harness.start()
    bot = ForumBot(harness, forum)
    try:
        if s["flagged_author"]:
            post = forum.public_post(s["flagged_author"], f"a post {SNAPSHOT}")
            reviewable = forum.flag(post["id"], 4, by=REPORTER)
            status, _ = await bot.deliver({"reviewable": reviewable}, "reviewable", "reviewable_created")
            assert status == 200
            await bot.drain()
            blocked = {s["flagged_author"]}
        else:
            await bot.pm(REPORTER)
            await bot.drain()
            status, page = await bot.submit(bot.link_for(REPORTER), {
                "description": f"what happened {SECRET}", "implicated": ", ".join(s["implicated"]),
                "exclude": list(s["excluded"]), "anonymity": s["anonymity"]})
            assert status in (200, 422), page
            if status == 422:  # e.g. every committee member excluded: the form says so and files nothing
                assert "R-0" not in page
                return
            await bot.drain()
            blocked = set(s["implicated"]) | set(s["excluded"])
        needles = (SNAPSHOT,) if s["flagged_author"] else (SECRET,)
        for needle in needles:
            # A public post is public: what counts is who saw it in a PM cocbot wrote.
            readers = {seen.user for seen in forum.seen if needle in seen.text and seen.topic_id is not None
                       and forum.topics[seen.topic_id].archetype == "private_message"}
            readers -= {REPORTER} if not s["flagged_author"] else set()
            assert not readers & blocked, f"{needle} reached {readers & blocked}"
            assert readers <= set(s["members"]) | ({s["escalation"]} if s["escalation"] else set())
            eligible = set(s["members"]) - blocked
            if eligible:
                assert readers and readers <= eligible
            elif s["escalation"] and s["escalation"] not in blocked:
                assert readers == {s["escalation"]}
            else:
                assert readers == set()
                if not s["flagged_author"]:
                    assert any("nobody could receive it" in t for t in forum.bot_posts_to(REPORTER))
        if s["anonymity"] == "anonymous" and not s["flagged_author"]:
            refs = [seen for seen in forum.seen if re.search(r"R-\d{4}", seen.text) and seen.user != REPORTER]
            assert not any(REPORTER in seen.text for seen in refs)
        assert slack.calls == []
        assert not forum.violations, forum.violations
    finally:
        await bot.close()
        await harness.stop()
        await slack.stop()
        await forum.stop()


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # examples: tests/conftest.py
@given(situations())
def test_nobody_blocked_reads_a_forum_only_report(s: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(s, tmp))
