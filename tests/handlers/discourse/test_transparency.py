"""A forum-only community: a committee member asks for the transparency report in a private message to the
bot (the forum command grammar) and gets the figures in a private message of their own."""

from __future__ import annotations

from tests.handlers.discourse.conftest import ForumBot


async def test_on_a_forum_only_community_a_member_asks_by_private_message(obot: ForumBot) -> None:
    for _ in range(3):
        await obot.report("rita", description="Forum report for the figures")
    await obot.drain()
    await obot.pm("alice", "transparency report")
    await obot.drain()
    posts = obot.forum.bot_posts_to("alice")
    assert any("on its way to you in a private message" in p for p in posts)
    [figures] = [p for p in posts if "Reports received" in p]
    assert "Forum report for the figures" not in figures and "R-0" not in figures
    assert obot.forum.who_saw("Reports received") == {"alice"}
    await obot.pm("wanda", "transparency")
    await obot.drain()
    assert any("Only Code of Conduct committee members" in p for p in obot.forum.bot_posts_to("wanda"))
    assert obot.forum.who_saw("Reports received") == {"alice"}
