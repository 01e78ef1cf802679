"""Choose who hears it, on the fake Slack: a report only some committee members may see reaches only them
(in a private space), its reminders and escalations stay with them, and when none of them can take it or
they stay silent, the reporter is asked before anyone else is brought in."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, ESCALATION, Harness

SECRET = "the treasurer pressured me in the hallway"


def saw_report(slack: FakeSlack) -> set[str]:
    return slack.who_saw(SECRET) - {"UREPORTER"}


def asked(slack: FakeSlack, ref: str) -> list[dict]:
    return [m for m in slack.dms_to("UREPORTER") if ref in flatten(m) and "readers_widen" in str(m)]


async def test_only_the_chosen_member_sees_it_and_a_forged_click_by_another_is_refused(
        bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report(description=SECRET, readers=["UCAROL"])
    await bot.drain()
    assert saw_report(slack) == {"UCAROL"}
    assert not any(ref in flatten(m) for m in slack.messages_in(COMMITTEE_CHANNEL))
    # A member who was not chosen cannot act on it either.
    await bot.click("UALICE", "triage_acknowledge", ref)
    await bot.drain()
    async with bot.runtime.db.transaction() as s:
        from cocbot.storage import reports as reports_q

        report = await reports_q.get_report_by_ref(s, ref)
    assert report is not None and report.state == "new" and report.readers == ("UCAROL",)


async def test_only_committee_members_can_be_chosen(bot: Harness, slack: FakeSlack) -> None:
    await bot.slash("UREPORTER", "CGENERAL")
    resp = await bot.submit_view("UREPORTER", {"description": SECRET, "readers": ["UOTHER"]})
    body = resp.json()
    assert body["response_action"] == "errors" and "committee" in body["errors"]["readers"]


async def test_silence_past_the_deadline_asks_the_reporter_and_yes_brings_the_rest_in(
        bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report(description=SECRET, readers=["UCAROL"], exclude=["UBOB"])
    await bot.drain()
    bot.clock.advance(hours=23)
    await bot.drain()
    assert asked(slack, ref) == []
    bot.clock.advance(hours=2)  # past the 24 h deadline: escalations reach only the chosen member
    await bot.drain()
    assert [m for m in slack.dms_to("UALICE") if ref in flatten(m)] == []
    assert any(ref in flatten(m) for m in slack.dms_to("UCAROL"))
    assert len(asked(slack, ref)) == 1
    assert slack.dms_to(ESCALATION) == []

    await bot.click("UREPORTER", "readers_widen", ref)
    await bot.drain()
    assert saw_report(slack) == {"UCAROL", "UALICE"}  # never UBOB, whom the reporter excluded
    # A second click changes nothing.
    await bot.click("UREPORTER", "readers_widen", ref)
    await bot.drain()
    assert saw_report(slack) == {"UCAROL", "UALICE"}


async def test_when_no_chosen_member_can_take_it_the_reporter_is_asked_first(bot: Harness, slack: FakeSlack) -> None:
    # The chosen member is also named: nobody may read it, and nobody else is brought in without asking.
    await bot.slash("UREPORTER", "CGENERAL")
    resp = await bot.submit_view("UREPORTER", {"description": SECRET, "readers": ["UCAROL"], "implicated": ["UCAROL"]})
    assert resp.json()["response_action"] == "errors"
    # One chosen member also excluded: only the other one sees it.
    await bot.report(description=SECRET, readers=["UCAROL", "UBOB"], exclude=["UBOB"])
    await bot.drain()
    assert saw_report(slack) == {"UCAROL"}


async def test_held_then_widened(bot: Harness, slack: FakeSlack) -> None:
    from cocbot.storage import reports as reports_q

    ref = await bot.report(description=SECRET, readers=["UCAROL"])
    # Before delivery, UCAROL recuses (recorded on the report): no chosen member is left.
    async with bot.runtime.db.transaction() as s:
        report = await reports_q.get_report_by_ref(s, ref)
        assert report is not None
        await reports_q.add_recused(s, report.id, "UCAROL")
    await bot.drain()
    assert saw_report(slack) == set() and slack.dms_to(ESCALATION) == []
    [question] = asked(slack, ref)
    assert "nobody has seen it yet" in flatten(question)
    await bot.click("UOTHER", "readers_widen", ref)  # only the reporter can answer
    await bot.drain()
    assert saw_report(slack) == set()
    await bot.click("UREPORTER", "readers_keep", ref)
    await bot.drain()
    assert saw_report(slack) == set()
    await bot.click("UREPORTER", "readers_widen", ref)
    await bot.drain()
    assert saw_report(slack) == {"UALICE", "UBOB"}
    bot.clock.advance(hours=1)
    await bot.drain()
    assert "UCAROL" not in slack.who_saw(SECRET)
