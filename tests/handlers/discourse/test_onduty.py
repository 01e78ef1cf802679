"""`@cocbot onduty` in a forum topic: answered by PM, facilitators named by forum username, local times."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.discourse.conftest import ForumBot


async def ask(fbot: ForumBot, raw: str) -> str:
    post = fbot.forum.public_post("wanda", raw)
    payload = {**fbot.forum.webhook_post(post["id"]), "category_id": 5}
    status, body = await fbot.deliver({"post": payload}, "post", "post_created")
    assert status == 200
    await fbot.drain()
    return body["outcome"]


async def test_onduty_is_answered_privately_with_local_times(fbot: ForumBot) -> None:
    reply = await fbot.runtime.services.duty.take("UALICE", frozenset(), timedelta(hours=2))
    assert reply is not None
    assert await ask(fbot, "Hey @cocbot onduty? Things are getting heated here") == "onduty answered by PM"
    [answer] = fbot.forum.bot_posts_to("wanda")
    assert "On duty now: alice (forum username)" in answer
    assert '[date=2026-03-02 time=11:00:00 timezone="UTC"]' in answer  # until, in each reader's zone
    assert "UALICE" not in answer
    # Nothing was posted in the public topic, and only wanda got the answer.
    assert fbot.forum.who_saw("On duty now") == {"wanda"}


async def test_onduty_with_nobody_on_duty_says_so_and_how_to_report(fbot: ForumBot) -> None:
    await ask(fbot, "@CocBot ONDUTY")
    [answer] = fbot.forum.bot_posts_to("wanda")
    assert "Nobody is on duty right now" in answer and "private report form" in answer


async def test_posts_without_the_mention_are_ignored(fbot: ForumBot) -> None:
    assert "ignored" in await ask(fbot, "who is onduty today? cc @cocbotfan")
    assert fbot.forum.bot_posts_to("wanda") == []


async def test_onduty_names_every_facilitator_on_duty_at_once(fbot: ForumBot) -> None:
    for person in ("UALICE", "UBOB"):
        reply = await fbot.runtime.services.duty.take(person, frozenset(), timedelta(hours=2))
        assert reply.ok, reply.text
    await ask(fbot, "@cocbot onduty")
    [answer] = fbot.forum.bot_posts_to("wanda")
    assert "On duty now: alice (forum username)" in answer and "On duty now: bob (forum username)" in answer
