"""Triage from the committee's Discourse PM: replies drive the same domain actions as the Slack buttons,
with the same authorization."""

from __future__ import annotations

import re
from typing import Any

from cocbot.bot.discourse.threads import topic_id_of
from tests.handlers.discourse.conftest import ForumBot


async def committee_says(fbot: ForumBot, ref: str, username: str, raw: str) -> str:
    report = await fbot.stored(ref)
    topic = topic_id_of(report.space_channel or "")
    assert topic is not None
    post = fbot.forum.user_pm(username, raw, topic_id=topic)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert status == 200
    await fbot.drain()
    return str(body["outcome"])


def replies_in(fbot: ForumBot, topic: int) -> list[str]:
    from cocbot.handlers.discourse.testing.fake_api import readable

    return [readable(p["raw"]) for p in fbot.forum.topics[topic].posts if p["username"] == "cocbot"]


async def test_ack_assign_note_decide_close_from_the_committee_pm(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="He keeps posting about me", implicated="mallory")
    await fbot.drain()
    space: Any = topic_id_of((await fbot.stored(ref)).space_channel or "")
    report_post = replies_in(fbot, space)[-1]
    assert "Reply “ack” to acknowledge" in report_post
    assert await committee_says(fbot, ref, "alice", "ack") == "triage acknowledge: ok"
    assert (await fbot.stored(ref)).state == "acknowledged"
    assert any("acknowledged" in t.lower() for t in fbot.forum.bot_posts_to("rita"))  # reporter told
    assert await committee_says(fbot, ref, "bob", "assign me") == "triage assign: ok"
    assert await committee_says(fbot, ref, "bob", "note Talked to a witness, they confirm it") == "triage note: ok"
    outcome = await committee_says(fbot, ref, "bob", "decide private reprimand A committee member will talk to them.")
    assert outcome == "triage decide: ok"
    assert (await fbot.stored(ref)).state == "decided"
    assert await committee_says(fbot, ref, "alice", "close") == "triage close: ok"
    assert (await fbot.stored(ref)).state == "closed"
    assert fbot.forum.who_saw("Talked to a witness") <= {"alice", "bob", "carol"}
    assert "mallory" not in {s.user for s in fbot.forum.seen if ref in s.text}


async def test_the_same_authorization_as_a_click(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="Carol must not see this", exclude=["carol"])
    await fbot.drain()
    # Carol is not in the PM; even if a post of hers reached cocbot, nothing would change.
    assert await committee_says(fbot, ref, "carol", "ack") == "refused"
    assert (await fbot.stored(ref)).state == "new"
    assert await committee_says(fbot, ref, "alice", "decide temporary ban x") == "triage decide: refused"
    assert await committee_says(fbot, ref, "alice", "close") == "triage close: refused"  # not decided yet
    assert await committee_says(fbot, ref, "alice", "let's talk tomorrow") == "committee discussion"
    assert (await fbot.stored(ref)).state == "new"


async def test_conflict_moves_the_case_to_a_pm_without_the_member(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="A case bob turns out to be close to")
    await fbot.drain()
    old_space = topic_id_of((await fbot.stored(ref)).space_channel or "") or 0
    assert await committee_says(fbot, ref, "bob", "conflict") == "triage recuse: ok"
    for _ in range(5):
        fbot.harness.clock.advance(seconds=5)
        await fbot.drain()
    report = await fbot.stored(ref)
    new_space = fbot.forum.topics[topic_id_of(report.space_channel or "") or 0]
    assert "bob" not in new_space.allowed and {"alice", "carol"} <= new_space.allowed
    # The old PM, which bob can still open, no longer holds the report: it was blanked on the forum.
    old_posts = [p["raw"] for p in fbot.forum.topics[old_space].posts if p["username"] == fbot.forum.bot]
    assert old_posts and not any("close to" in raw for raw in old_posts)
    assert not fbot.harness.fake.calls_to("chat.update")


async def test_ask_relays_to_the_reporter_and_their_reply_comes_back(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="Something in the meetup thread", anonymity="anonymous")
    await fbot.drain()
    await committee_says(fbot, ref, "alice", "ack")
    assert await committee_says(fbot, ref, "alice", "ask Was anyone else in the thread?") == "triage ask: ok"
    question = next(t for t in fbot.forum.pms_with("rita")
                    if any("anyone else in the thread" in p["raw"].replace("\\", "") for p in t.posts))
    assert "reply to this message with your answer" in replies_in(fbot, question.id)[-1].lower()
    assert "alice" not in replies_in(fbot, question.id)[-1]  # the asker is not named
    post = fbot.forum.user_pm("rita", "Yes, two other people saw it", topic_id=question.id)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert body["outcome"] == "answer relayed"
    await fbot.drain()
    assert fbot.forum.who_saw("two other people saw it") == {"rita", "alice", "bob", "carol"}
    space = topic_id_of((await fbot.stored(ref)).space_channel or "") or 0
    # Anonymous: the answer reaches the committee without the reporter's name.
    answer = next(t for t in replies_in(fbot, space) if "two other people" in t)
    assert "rita" not in answer


async def test_assess_and_ban_from_the_committee_pm(fbot: ForumBot) -> None:
    from cocbot.storage import triage as triage_q

    ref = await fbot.report("rita", description="He threatened me in a DM", implicated="mallory")
    await fbot.drain()
    topic: Any = topic_id_of((await fbot.stored(ref)).space_channel or "")
    assert await committee_says(fbot, ref, "alice", "ack") == "triage acknowledge: ok"
    assert await committee_says(fbot, ref, "alice", "assess risk high, impact high") == "triage assess: refused"
    answer = replies_in(fbot, topic)[-1]
    assert "Choose whether it is still going on" in answer and "Choose the Code of Conduct category" in answer
    assert "Threats or violence" in answer  # the categories are listed to pick from
    said = await committee_says(fbot, ref, "alice", "assess risk high, impact high, ongoing yes, unsafe yes, "
                                                   "reporter affected, category threats")
    assert said == "triage assess: ok"
    assert "Suggested response" in replies_in(fbot, topic)[-1]
    stored = await fbot.stored(ref)
    assert (stored.state, stored.category) == ("in_progress", "Threats or violence")

    assert await committee_says(fbot, ref, "bob", "decide temporary ban\nwho: mallory\nThey are banned.") == \
        "triage decide: refused"
    assert "which spaces the ban covers" in replies_in(fbot, topic)[-1]
    said = await committee_says(fbot, ref, "bob", "decide temporary ban\nwho: mallory\nscope: forum and calls\n"
                                                 "until: 2099-01-31\nThe person involved is banned for a period.")
    assert said == "triage decide: ok"
    async with fbot.runtime.db.transaction() as session:
        bans = await triage_q.bans_for(session, (await fbot.stored(ref)).id)
    assert [(b.outcome, b.subjects, b.scope, b.ends_at.date().isoformat() if b.ends_at else None) for b in bans] == [
        ("temporary_ban", ("mallory",), "forum and calls", "2099-01-31")]
    assert any("banned for a period" in t for t in fbot.forum.bot_posts_to("rita"))
    assert "mallory" not in {s.user for s in fbot.forum.seen if ref in s.text}


async def test_history_shows_the_whole_trail_newest_first_over_several_posts(fbot: ForumBot) -> None:
    import re

    from cocbot.storage import audit as audit_q

    ref = await fbot.report("rita", description="A case with a long trail")
    await fbot.drain()
    report = await fbot.stored(ref)
    steps = 600  # more than one post's worth of lines
    async with fbot.harness.runtime.db.transaction() as session:
        for i in range(steps):
            await audit_q.append(session, report_id=report.id, action="note", now=fbot.harness.clock.now(),
                                 actor="UALICE", detail={"summary": f"step {i:03d}"})
    space: Any = topic_id_of(report.space_channel or "")
    before = len(replies_in(fbot, space))
    assert await committee_says(fbot, ref, "alice", "history") == "history: ok"
    answer = replies_in(fbot, space)[before:]
    assert len(answer) > 1  # split into posts
    shown = [int(n) for n in re.findall(r"step (\d{3})", "\n".join(answer))]
    assert shown == list(range(steps - 1, -1, -1))
    text = "\n".join(answer)
    assert "the report was filed" in text and "A case with a long trail" not in text
    assert "— alice" in text and "UALICE" not in text  # named by their forum username, never a Slack id
    async with fbot.harness.runtime.db.transaction() as session:
        trail = await audit_q.trail(session, report.id)
    assert [e.action for e in trail].count("history") == 1
    # Someone who may not read the case gets no trail.
    assert await committee_says(fbot, ref, "mallory", "history") == "refused"


async def test_committee_members_on_slack_are_named_as_the_forum_knows_them(
        slack: Any, forum: Any, database_url: str, clock: Any) -> None:
    """A community on both platforms: a note's author and the history's actors are Slack members, shown on
    the forum by their linked forum username, or in neutral words when not linked; never by a Slack id.
    On SQLite, and on PostgreSQL when COCBOT_TEST_POSTGRES_URL is set."""
    from cocbot.storage import audit as audit_q
    from tests.handlers.discourse.conftest import discourse_section, running_bot
    from tests.harness import make_config

    config = make_config(discourse=discourse_section(forum.base_url, committee_space="discourse"))
    async with running_bot(slack, forum, config, database_url, clock) as bot:
        ref = await bot.report("rita", description="A case on the forum")
        await bot.drain()
        report = await bot.stored(ref)
        async with bot.harness.runtime.db.transaction() as session:
            await audit_q.append(session, report_id=report.id, action="view", now=clock.now(), actor="UNOTLINKED")
        assert await committee_says(bot, ref, "bob", "note He said it twice") == "triage note: ok"
        assert await committee_says(bot, ref, "alice", "history") == "history: ok"
        topic: Any = topic_id_of(report.space_channel or "")
        posts = replies_in(bot, topic)
        note = next(p for p in posts if "He said it twice" in p)
        assert "bob" in note and "UBOB" not in note
        history = next(p for p in posts if f"History of {ref}" in p)
        assert "— bob" in history and "— alice" in history and "a committee member on Slack" in history
        assert not any(re.search(r"\bU[A-Z0-9]{4,}\b", p) for p in posts)
