"""Report on someone's behalf on the forum: a committee member files it with the form, the person it is for
confirms it by replying to the review PM, or corrects it with any other reply."""

from __future__ import annotations

from cocbot.handlers.discourse.testing.fake_api import readable
from tests.handlers.discourse.conftest import ForumBot

SECRET = "she told me at the meetup that he grabbed her arm"


def review_topic(fbot: ForumBot, username: str, ref: str) -> int:
    return next(t.id for t in fbot.forum.pms_with(username)
                if t.posts and "filed for you" in readable(t.posts[0]["raw"]) and ref in readable(t.posts[0]["raw"]))


async def test_the_person_confirms_by_reply_and_corrections_are_added(fbot: ForumBot) -> None:
    ref = await fbot.report("alice", description=SECRET, on_behalf="rita", implicated="mallory")
    await fbot.drain()
    report = await fbot.stored(ref)
    assert report.reporter == "rita" and report.filed_by == "alice" and not report.behalf_confirmed
    topic = review_topic(fbot, "rita", ref)
    assert "mallory" not in fbot.forum.who_saw(SECRET)

    post = fbot.forum.user_pm("rita", "It was his left arm, and it was after the second talk.", topic_id=topic)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert body["outcome"] == "information added"
    post = fbot.forum.user_pm("rita", "Confirm anonymously", topic_id=topic)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert status == 200 and body["outcome"] == "on behalf: confirmed"
    await fbot.drain()
    report = await fbot.stored(ref)
    assert report.behalf_confirmed and report.anonymity == "anonymous"


async def test_a_member_who_is_not_a_facilitator_cannot_file_for_others(fbot: ForumBot) -> None:
    await fbot.pm("wanda")
    await fbot.drain()
    status, page = await fbot.submit(fbot.link_for("wanda"), {"description": SECRET, "on_behalf": "rita"})
    assert status == 422 and "Only facilitators and committee members" in page
