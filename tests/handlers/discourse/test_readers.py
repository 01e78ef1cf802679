"""Choose who hears it on the forum: the form's committee boxes, the PM with only the chosen members, and
the reporter's answer by reply when the chosen members stay silent."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.threads import topic_id_of
from cocbot.handlers.discourse.testing.fake_api import readable
from tests.handlers.discourse.conftest import ForumBot

SECRET = "the moderator keeps messaging me at night"


async def test_only_the_ticked_member_gets_the_pm_then_the_reporter_widens_it(fbot: ForumBot,
                                                                             clock: ManualClock) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    url = fbot.link_for("rita")
    _, form = await fbot.get(url)
    assert 'name="readers" value="carol"' in form
    ref = await fbot.report("rita", description=SECRET, readers=["carol"], exclude=["bob"])
    await fbot.drain()
    assert fbot.forum.who_saw(SECRET) - {"rita"} == {"carol"}
    space = fbot.forum.topics[topic_id_of((await fbot.stored(ref)).space_channel or "") or 0]
    assert space.allowed - {"cocbot"} == {"carol"}

    for _ in range(3 * 24):  # past the deadline, carol silent
        clock.advance(hours=1)
        await fbot.drain()
    assert "alice" not in fbot.forum.who_saw(ref) and "esme" not in fbot.forum.who_saw(ref)
    [question] = [t for t in fbot.forum.pms_with("rita")
                  if any("May the rest of the Code of Conduct committee see it" in readable(p["raw"]) for p in t.posts)]
    post = fbot.forum.user_pm("rita", "Whole committee, please", topic_id=question.id)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert status == 200 and body["outcome"] == "readers: answered"
    await fbot.drain()
    assert fbot.forum.who_saw(SECRET) - {"rita"} == {"carol", "alice"}  # never bob, excluded


async def test_a_ticked_name_that_is_not_on_the_committee_is_refused(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    status, page = await fbot.submit(fbot.link_for("rita"), {"description": SECRET, "readers": ["mallory"]})
    assert status == 422 and "Only members of the Code of Conduct committee" in page
