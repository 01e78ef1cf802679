"""End to end on Slack: the earlier-cases listing follows who reads a case. After a recusal moves the new case
to a space without the member who was kept out of an earlier case, the listing there names it; after a member
recuses from the earlier case, the listing where that member still reads no longer names it."""

from __future__ import annotations

from tests.handlers.slack.triage_support import file_report, modal, stored, text_of, thread
from tests.harness import Harness


def listings(bot: Harness, channel: str, ts: str) -> list[str]:
    return [text_of(m) for m in thread(bot, channel, ts) if "Earlier" in text_of(m)]


async def test_a_recusal_moves_the_case_and_its_new_readers_get_their_listing(bot: Harness) -> None:
    first, _, _ = await file_report(bot, implicated=["UMALLORY"], exclude=["UBOB"])
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    assert listings(bot, channel, ts) == []  # UBOB reads the committee channel
    await modal(bot, "UBOB", "triage_recuse", second, {})
    await bot.drain()
    await bot.drain()
    moved = await stored(bot, second)
    assert moved.space_channel != channel and moved.message_ts is not None
    [listed] = listings(bot, moved.space_channel or "", moved.message_ts)
    assert f"Earlier: {first}" in listed
    assert "Earlier:" not in " ".join(s.text for s in bot.fake.seen_by("UBOB"))


async def test_a_recusal_from_the_earlier_case_takes_it_out_of_listings_that_member_reads(bot: Harness) -> None:
    first, _, _ = await file_report(bot, implicated=["UMALLORY"])
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    [before] = listings(bot, channel, ts)
    assert f"Earlier: {first}" in before
    await modal(bot, "UCAROL", "triage_recuse", first, {})
    await bot.drain()
    await bot.drain()
    [after] = listings(bot, channel, ts)  # the same message, edited in place
    assert first not in after and "none listed any more" in after
    assert (await stored(bot, second)).space_channel == channel
