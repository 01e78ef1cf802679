"""The privacy property across both platforms, with the identity map: whoever is implicated or excluded
on one platform sees nothing on either (a Discourse report read in Slack, or in a Discourse PM)."""

from __future__ import annotations

import pytest

from cocbot.bot.reports.spaces import same_people
from tests.handlers.discourse.conftest import IDENTITIES, ForumBot
from tests.harness import COMMITTEE_CHANNEL, make_config


def test_same_people_follows_the_identity_map_both_ways() -> None:
    config = make_config(discourse={"base_url": "https://f.example", "api_key": "k", "api_username": "cocbot",
                                    "webhook_secret": "x" * 32, "public_url": "https://c.example",
                                    "identities": {"UBOB": "Bob"}})
    assert same_people({"bob"}, config) == {"bob", "UBOB"}
    assert same_people({"UBOB"}, config) == {"bob", "UBOB"}
    assert same_people({"BOB"}, config) == {"BOB", "bob", "UBOB"}
    assert same_people({"mallory"}, config) == {"mallory"}
    assert same_people({"bob"}, make_config()) == {"bob"}


async def test_implicated_on_discourse_and_on_the_slack_committee_sees_nothing(fbot_slack_space: ForumBot) -> None:
    bot = fbot_slack_space
    ref = await bot.report("rita", description="Bob was abusive in the forum", implicated="bob")
    await bot.drain()
    slack = bot.harness.fake
    assert slack.messages_in(COMMITTEE_CHANNEL) == []  # UBOB sits in it
    assert slack.who_saw("Bob was abusive") == {"UALICE", "UCAROL"}
    assert bot.forum.who_saw("Bob was abusive") == set()
    assert "UBOB" not in {s.user for s in slack.seen if ref in s.text}
    confirmation = [t for t in bot.forum.bot_posts_to("rita") if ref in t]
    assert confirmation  # the reporter is answered on Discourse


async def test_excluded_on_discourse_is_excluded_from_the_slack_committee(fbot_slack_space: ForumBot) -> None:
    bot = fbot_slack_space
    await bot.report("rita", description="Please keep Alice out", exclude_other="alice")
    await bot.drain()
    assert bot.harness.fake.who_saw("Please keep Alice out") == {"UBOB", "UCAROL"}


async def test_a_clear_discourse_report_goes_to_the_slack_committee_channel(fbot_slack_space: ForumBot) -> None:
    bot = fbot_slack_space
    await bot.report("rita", description="Spam in my messages", implicated="wanda")
    await bot.drain()
    assert len(bot.harness.fake.messages_in(COMMITTEE_CHANNEL)) == 1
    assert bot.harness.fake.who_saw("Spam in my messages") == {"UALICE", "UBOB", "UCAROL"}


@pytest.mark.parametrize("implicated,excluded", [
    (implicated, excluded)
    for implicated in ((), ("alice",), ("mallory", "bob"))
    for excluded in ((), ("carol",), ("alice", "bob"), ("alice", "bob", "carol"))
])
async def test_property_nobody_blocked_on_either_platform_reads_it(fbot: ForumBot, implicated: tuple[str, ...],
                                                                   excluded: tuple[str, ...]) -> None:
    text = "The account of " + "-".join(implicated + excluded) + " ends here"
    await fbot.report("rita", description=text, implicated=", ".join(implicated), exclude=list(excluded))
    await fbot.drain()
    blocked = set(implicated) | set(excluded)
    blocked |= {s for s, d in IDENTITIES.items() if d in blocked}
    readers = fbot.forum.who_saw(text) | fbot.harness.fake.who_saw(text)
    assert not readers & blocked, (readers, blocked)
    eligible = {"alice", "bob", "carol"} - blocked
    assert readers == (eligible or {"esme"})


async def test_flag_files_a_bystander_report_with_the_author_implicated(fbot: ForumBot) -> None:
    post = fbot.forum.public_post("mallory", "You are all idiots and should leave")
    reviewable = {"id": 77, "type": "ReviewableFlaggedPost", "target_type": "Post", "target_id": post["id"],
                  "topic_id": post["topic_id"], "status": 0, "version": 0, "created_by_id": fbot.forum.users["wanda"],
                  "reviewable_scores": [{"id": 1, "reviewable_score_type": 4, "user_id": fbot.forum.users["wanda"]}]}
    status, body = await fbot.deliver({"reviewable": reviewable}, "reviewable", "reviewable_created")
    assert (status, body["outcome"]) == (200, "flag queued")
    again = await fbot.deliver({"reviewable": {**reviewable, "version": 1}}, "reviewable", "reviewable_updated")
    assert again[0] == 200
    await fbot.drain()
    async with fbot.runtime.db.transaction() as session:
        from cocbot.storage import reports as reports_q

        report = await reports_q.get_report_by_ref(session, "R-0001")
        assert await reports_q.get_report(session, 2) is None  # one report per flagged post
    assert report is not None
    assert (report.source, report.reporter, report.implicated) == ("discourse_flag", "wanda", ("mallory",))
    assert report.snapshot == "You are all idiots and should leave"
    assert report.flagged_permalink == f"{fbot.forum.base_url}/p/{post['id']}"
    space_readers = {s.user for s in fbot.forum.seen if "R-0001" in s.text and "idiots" in s.text}
    assert space_readers == {"alice", "bob", "carol"}


async def test_flags_of_other_types_file_nothing(fbot: ForumBot) -> None:
    post = fbot.forum.public_post("mallory", "off topic chatter")
    reviewable = {"id": 78, "type": "ReviewableFlaggedPost", "target_id": post["id"],
                  "reviewable_scores": [{"reviewable_score_type": 3, "user_id": fbot.forum.users["wanda"]}]}
    status, body = await fbot.deliver({"reviewable": reviewable}, "reviewable", "reviewable_created")
    assert "not configured" in body["outcome"]
    await fbot.drain()
    assert not any(c.path == "/posts.json" for c in fbot.forum.calls)

