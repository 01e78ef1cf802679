"""End to end on Slack: earlier cases listed with a new case (and opened, or refused), and reports held until
someone else names the same person (invisible meanwhile, released by a match, withdrawn, expired)."""

from __future__ import annotations


from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.test_app_home import open_home
from tests.handlers.slack.triage_support import audit, ephemerals, file_report, stored, text_of, thread
from tests.harness import Harness

SECRET = "held-secret-5c1d"


def earlier_listings(bot: Harness, channel: str, ts: str) -> list[str]:
    return [text_of(m) for m in thread(bot, channel, ts) if "Earlier:" in text_of(m)]


async def test_a_pattern_across_two_reports_is_shown_with_the_second(bot: Harness) -> None:
    first, _, _ = await file_report(bot, implicated=["UMALLORY"])
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    listed = earlier_listings(bot, channel, ts)
    assert len(listed) == 1 and f"Earlier: {first} (new," in listed[0]
    # Only references, state and month: nothing of the first report's text.
    assert "made me uncomfortable" not in listed[0]
    # The first case's space lists nothing (it had no earlier case when it arrived).
    report = await stored(bot, first)
    assert report.message_ts is not None and not earlier_listings(bot, channel, report.message_ts)
    assert second != first


async def test_an_earlier_case_a_reader_was_excluded_from_is_not_listed(bot: Harness) -> None:
    await file_report(bot, implicated=["UMALLORY"], exclude=["UBOB"])
    _, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    assert earlier_listings(bot, channel, ts) == []
    assert "Earlier:" not in " ".join(s.text for s in bot.fake.seen_by("UBOB"))


async def test_view_earlier_opens_for_a_reader_and_is_audited(bot: Harness) -> None:
    first, _, _ = await file_report(bot, implicated=["UMALLORY"], description="first account 7e21")
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    await bot.click("UALICE", f"earlier_view:{first}", f"{second}:{first}", channel=channel, message_ts=ts,
                    expect_view=True)
    view = bot.fake.calls_to("views.open")[-1].params["view"]
    assert "first account 7e21" in flatten(view)
    assert any(e.action == "view_earlier" and e.actor == "UALICE" for e in await audit(bot, first))


async def test_view_earlier_is_refused_to_someone_excluded_from_the_earlier_case(bot: Harness) -> None:
    first, _, _ = await file_report(bot, implicated=["UMALLORY"], exclude=["UCAROL"], description="kept 0b9a")
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    # A forged click (the listing never offered it to them): refused, nothing opened, nothing audited.
    before = len(bot.fake.calls_to("views.open"))
    await bot.click("UCAROL", f"earlier_view:{first}", f"{second}:{first}", channel=channel, message_ts=ts)
    await bot.until(lambda: ephemerals(bot, "UCAROL"))
    assert len(bot.fake.calls_to("views.open")) == before
    assert "kept 0b9a" not in " ".join(s.text for s in bot.fake.seen_by("UCAROL"))
    assert not any(e.action == "view_earlier" for e in await audit(bot, first))


async def held_report(bot: Harness, user: str = "UREPORTER", **values: object) -> str:
    ref = await bot.report(user=user, description=f"what happened {SECRET}", hold=["hold"], **values)
    await bot.drain()
    return ref


async def test_a_held_report_is_shown_to_nobody(bot: Harness, clock: ManualClock) -> None:
    ref = await held_report(bot, implicated=["UMALLORY"])
    assert bot.fake.who_saw(SECRET) <= {"UREPORTER"}
    assert bot.fake.messages_in("CCOMMITTEE") == []
    dm = " ".join(text_of(m) for m in bot.fake.dms_to("UREPORTER"))
    assert f"Your report {ref} is stored and held" in dm and "hold_release" in str(bot.fake.dms_to("UREPORTER"))
    # Not in the committee's App Home counts, and no reminder ever fires for it.
    home = await open_home(bot, "UALICE")
    assert ref not in home and "1 open" not in home
    clock.advance(days=3)
    await bot.drain()
    assert bot.fake.messages_in("CCOMMITTEE") == []
    assert not [s for s in bot.fake.seen if s.user in ("UALICE", "UBOB", "UCAROL") and ref in s.text]
    # The reporter sees it in their own App Home, with its buttons.
    assert ref in await open_home(bot, "UREPORTER")


async def test_a_second_report_naming_the_same_person_releases_the_held_one(bot: Harness) -> None:
    held = await held_report(bot, implicated=["UMALLORY"])
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    released = await stored(bot, held)
    assert released.message_ts is not None and released.space_channel
    assert any("Released by a match" in text_of(m) for m in thread(bot, released.space_channel, released.message_ts))
    assert any("Someone else has reported the same person" in text_of(m) for m in bot.fake.dms_to("UREPORTER"))
    assert bot.fake.who_saw(SECRET) - {"UREPORTER"} <= {"UALICE", "UBOB", "UCAROL"}
    assert second != held


async def test_the_same_reporter_naming_the_person_again_is_no_match(bot: Harness) -> None:
    held = await held_report(bot, implicated=["UMALLORY"])
    await file_report(bot, implicated=["UMALLORY"])
    assert (await stored(bot, held)).message_ts is None


async def test_withdrawing_a_held_report_deletes_its_content(bot: Harness) -> None:
    ref = await held_report(bot, implicated=["UMALLORY"])
    await bot.click("UREPORTER", "hold_withdraw", ref, channel="DUREPORTER")
    await bot.drain()
    report = await stored(bot, ref)
    assert report.description == "" and report.implicated == ()
    assert any("was withdrawn" in text_of(m) for m in bot.fake.dms_to("UREPORTER"))
    # A later report naming the same person finds nothing to release.
    await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    assert (await stored(bot, ref)).message_ts is None
    assert bot.fake.who_saw(SECRET) <= {"UREPORTER"}


async def test_only_the_reporter_may_release_their_held_report(bot: Harness) -> None:
    ref = await held_report(bot, implicated=["UMALLORY"])
    await bot.click("UOTHER", "hold_release", ref, channel="DUOTHER")
    await bot.drain()
    assert (await stored(bot, ref)).message_ts is None
    await bot.click("UREPORTER", "hold_release", ref, channel="DUREPORTER")
    await bot.drain()
    assert (await stored(bot, ref)).message_ts is not None


async def test_a_held_report_expires_after_a_warning(slack: FakeSlack, sqlite_url: str,
                                                     clock: ManualClock) -> None:
    from tests.harness import make_config

    bot = Harness(slack, make_config(holds={"expire_after": "30d"}), sqlite_url, clock)
    await bot.start()
    try:
        ref = await held_report(bot, implicated=["UMALLORY"])
        clock.advance(days=22)
        await bot.drain()
        assert not any("will be deleted" in text_of(m) for m in bot.fake.dms_to("UREPORTER"))
        clock.advance(days=2)
        await bot.drain()
        assert any("will be deleted on" in text_of(m) for m in bot.fake.dms_to("UREPORTER"))
        clock.advance(days=7)
        await bot.drain()
        assert any("was deleted" in text_of(m) for m in bot.fake.dms_to("UREPORTER"))
        assert (await stored(bot, ref)).description == ""
    finally:
        await bot.stop()


async def test_holding_needs_someone_named(bot: Harness) -> None:
    await bot.slash("UREPORTER", "CGENERAL")
    resp = await bot.submit_view("UREPORTER", {"description": "x", "hold": ["hold"]})
    assert resp.json()["response_action"] == "errors" and "hold" in resp.json()["errors"]


async def test_release_on_a_match_on_each_database(engine_bot: Harness) -> None:
    held = await held_report(engine_bot, implicated=["UMALLORY"])
    second, channel, ts = await file_report(engine_bot, user="UWITNESS", implicated=["UMALLORY"])
    assert (await stored(engine_bot, held)).message_ts is not None
    # The second case lists the first, released one, as an earlier case.
    assert any(f"Earlier: {held}" in text for text in earlier_listings(engine_bot, channel, ts))
    assert second != held


async def test_a_recusal_takes_the_listing_out_of_the_old_space(bot: Harness) -> None:
    from tests.handlers.slack.triage_support import modal

    first, _, _ = await file_report(bot, implicated=["UMALLORY"])
    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    assert earlier_listings(bot, channel, ts)
    await modal(bot, "UBOB", "triage_recuse", second, {})
    await bot.drain()
    assert earlier_listings(bot, channel, ts) == []  # replaced by the content-free "moved" note
    assert first != second


def homes_published(bot: Harness, since: int) -> dict[str, str]:
    return {c.params["user_id"]: flatten(c.params["view"]) for c in bot.fake.calls_to("views.publish")[since:]}


async def test_the_app_homes_follow_a_held_report_released_or_withdrawn(bot: Harness) -> None:
    released = await held_report(bot, implicated=["UMALLORY"])
    withdrawn = await held_report(bot, implicated=["UOTHER"])
    assert released in await open_home(bot, "UREPORTER") and withdrawn in await open_home(bot, "UREPORTER")
    assert "1 open" not in await open_home(bot, "UALICE")
    before = len(bot.fake.calls_to("views.publish"))
    await bot.click("UREPORTER", "hold_release", released, channel="DUREPORTER")
    await bot.until(lambda: {"UREPORTER", "UALICE", "UBOB", "UCAROL"} <= homes_published(bot, before).keys())
    homes = homes_published(bot, before)
    assert released not in homes["UREPORTER"] and withdrawn in homes["UREPORTER"]
    assert "*1* open report you can see" in homes["UALICE"]
    before = len(bot.fake.calls_to("views.publish"))
    await bot.click("UREPORTER", "hold_withdraw", withdrawn, channel="DUREPORTER")
    await bot.until(lambda: "UREPORTER" in homes_published(bot, before))
    assert withdrawn not in homes_published(bot, before)["UREPORTER"]
    assert set(homes_published(bot, before)) == {"UREPORTER"}
