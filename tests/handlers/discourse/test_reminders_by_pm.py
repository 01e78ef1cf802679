"""Reminders reach a Discourse-based committee by PM, with the same rules as on Slack."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.threads import topic_id_of
from tests.handlers.discourse.conftest import ForumBot


async def test_unacknowledged_report_reminds_the_pm_then_escalates_to_eligible_members(
        fbot: ForumBot, clock: ManualClock) -> None:
    ref = await fbot.report("rita", description="Nobody has looked at this yet", exclude=["carol"])
    await fbot.drain()
    space = fbot.forum.topics[topic_id_of((await fbot.stored(ref)).space_channel or "") or 0]
    for _ in range(8 * 24):  # two working days, an hour at a time
        clock.advance(hours=1)
        await fbot.drain()
    reminders = [p for p in space.posts if p["username"] == "cocbot" and "reminder" in p["raw"].lower()]
    assert reminders, "no acknowledgement reminder in the committee PM"
    escalations = {u: [t for t in fbot.forum.pms_with(u) if t.id != space.id and
                       any(ref in p["raw"].replace("\\", "") for p in t.posts)] for u in ("alice", "bob", "carol")}
    assert escalations["alice"] and escalations["bob"], "eligible members got no PM"
    assert escalations["carol"] == [] and "carol" not in {s.user for s in fbot.forum.seen if ref in s.text}


async def test_no_reminders_once_acknowledged_from_the_pm(fbot: ForumBot, clock: ManualClock) -> None:
    ref = await fbot.report("rita", description="Acknowledged quickly")
    await fbot.drain()
    topic = topic_id_of((await fbot.stored(ref)).space_channel or "") or 0
    post = fbot.forum.user_pm("alice", "ack", topic_id=topic)
    await fbot.deliver({"post": post}, "post", "post_created")
    await fbot.drain()
    before = len(fbot.forum.calls_to("POST", "/posts.json"))
    for _ in range(3 * 24):
        clock.advance(hours=1)
        await fbot.drain()
    after = [c for c in fbot.forum.calls_to("POST", "/posts.json")[before:]
             if "reminder" in str(c.body.get("raw", "")).lower()]
    assert after == []
