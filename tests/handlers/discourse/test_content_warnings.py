"""Content warnings on the forum: the form's field, and `cw …` in the committee's PM."""

from __future__ import annotations

from cocbot.bot.discourse.threads import topic_id_of
from cocbot.handlers.discourse.testing.fake_api import readable
from tests.handlers.discourse.conftest import ForumBot

SECRET = "a detailed description of the injuries"


async def first_post(fbot: ForumBot, ref: str) -> str:
    space = fbot.forum.topics[topic_id_of((await fbot.stored(ref)).space_channel or "") or 0]
    report_posts = [readable(p["raw"]) for p in space.posts if ref in readable(p["raw"])]
    return report_posts[0]


async def test_the_reporters_warning_keeps_the_details_out_of_the_pm(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description=SECRET, content_warning="violence")
    await fbot.drain()
    text = await first_post(fbot, ref)
    assert "violence" in text and SECRET not in text


async def test_the_committee_adds_one_with_cw(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description=SECRET)
    await fbot.drain()
    topic = topic_id_of((await fbot.stored(ref)).space_channel or "") or 0
    post = fbot.forum.user_pm("alice", "cw: injuries", topic_id=topic)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert status == 200 and body["outcome"] == "content warning: added"
    await fbot.drain()
    assert (await fbot.stored(ref)).content_warning == "injuries"
    text = await first_post(fbot, ref)
    assert "injuries" in text and SECRET not in text  # the report's post, edited
    post = fbot.forum.user_pm("mallory", "cw: nothing", topic_id=topic)
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert body["outcome"] != "content warning: added"


async def test_a_note_in_the_pm_is_folded_behind_the_warning(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description=SECRET, content_warning='violence "] [/details] @everyone')
    await fbot.drain()
    report = await fbot.stored(ref)
    channel = report.space_channel or ""
    assert (await fbot.harness.runtime.services.triage.acknowledge(ref, "UALICE", channel)).ok
    assert (await fbot.harness.runtime.services.triage.add_note(ref, "UBOB", "Notes about the injuries",
                                                                "n1")).ok
    await fbot.drain()
    space = fbot.forum.topics[topic_id_of(channel) or 0]
    raw = next(p["raw"] for p in space.posts if "Notes about the injuries" in readable(p["raw"]))
    # Who wrote it is outside; the text is inside one details element whose summary is the warning, which
    # cannot close the element early nor mention anyone.
    head, _, rest = raw.partition("[details=")
    assert "bob" in head and "UBOB" not in head and "injuries" not in readable(head)
    summary, _, body = rest.partition("]")
    assert summary.count('"') == 2 and "[" not in summary and "@\u2060everyone" in summary
    assert "violence" in summary and "injuries" in readable(body)
    assert body.count("[/details]") == 1 and body.rstrip().endswith("[/details]")
