"""Triage rules end to end: refusals, illegal transitions, concurrency, recusal, the anonymous relay,
details on demand, witnesses, decisions with bans and a second member approving the announcement."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.storage import triage as triage_q
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness, make_config
from tests.handlers.slack.triage_support import (
    buttons, committee_audit, ephemerals, file_report, message, modal, press, stored, text_of, thread,
)

COMMITTEE = {"UALICE", "UBOB", "UCAROL"}


async def acknowledged(bot: Harness, **values: object) -> tuple[str, str, str]:
    ref, channel, ts = await file_report(bot, **values)
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await bot.drain()
    return ref, channel, ts


async def test_a_channel_member_not_on_the_committee_is_refused_and_nothing_changes(bot: Harness) -> None:
    bot.fake.channels[COMMITTEE_CHANNEL].members.add("UOTHER")  # forces a private space, but try anyway
    ref, channel, ts = await file_report(bot, description="Refusal test")
    calls_before = len(bot.fake.calls)
    await bot.click("UOTHER", "triage_acknowledge", ref, channel=channel, message_ts=ts)
    await bot.until(lambda: ephemerals(bot, "UOTHER"))
    assert "Only Code of Conduct committee members" in ephemerals(bot, "UOTHER")[0]
    await bot.drain()
    assert (await stored(bot, ref)).state == "new"
    assert await committee_audit(bot, ref) == []
    assert [c.method for c in bot.fake.calls[calls_before:]] == ["chat.postEphemeral"]
    assert "Refusal test" not in bot.fake.seen_by("UOTHER")[-1].text


async def test_an_implicated_member_is_refused_without_being_told_why(bot: Harness) -> None:
    ref, channel, ts = await file_report(bot, description="About Alice", implicated=["UALICE"])
    await bot.click("UALICE", "triage_assess", ref, channel=channel, message_ts=ts)
    await bot.until(lambda: ephemerals(bot, "UALICE"))
    refusal = ephemerals(bot, "UALICE")[0]
    assert "implicated" not in refusal.lower() and "About Alice" not in refusal
    assert bot.fake.open_view_for("UALICE") is None
    assert "About Alice" not in bot.fake.who_saw("About Alice") & {"UALICE"}


@pytest.mark.parametrize("action, state, expected", [
    ("triage_decide", "new", "Acknowledge"),
    ("triage_close", "new", "Record a decision"),
    ("triage_reopen", "new", "not closed"),
    ("triage_assess", "new", "Acknowledge it first"),
    ("triage_ask", "new", "Acknowledge it before asking"),
])
async def test_illegal_transitions_get_a_clear_ephemeral_error(bot: Harness, action: str, state: str,
                                                               expected: str) -> None:
    ref, channel, ts = await file_report(bot, description="Illegal transitions")
    await bot.click("UBOB", action, ref, channel=channel, message_ts=ts)
    await bot.until(lambda: ephemerals(bot, "UBOB"))
    assert expected in ephemerals(bot, "UBOB")[0]
    assert (await stored(bot, ref)).state == state


async def test_acknowledging_twice_says_so(bot: Harness) -> None:
    ref, _, _ = await acknowledged(bot, description="Twice")
    await press(bot, "UBOB", "triage_acknowledge", ref)
    await bot.until(lambda: ephemerals(bot, "UBOB"))
    assert "already acknowledged" in ephemerals(bot, "UBOB")[0]


async def test_two_members_acknowledging_at_once_make_one_transition_and_one_dm(bot: Harness) -> None:
    ref, channel, ts = await file_report(bot, description="Concurrent clicks")
    await asyncio.gather(*(bot.click(u, "triage_acknowledge", ref, channel=channel, message_ts=ts)
                           for u in ("UALICE", "UBOB", "UCAROL", "UALICE")))
    await bot.drain()
    assert [e.action for e in await committee_audit(bot, ref)] == ["acknowledge"]
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "acknowledged" in m["text"]]) == 1
    await bot.until(lambda: len(bot.fake.calls_to("chat.postEphemeral")) == 3)


async def test_two_members_deciding_at_once_record_one_decision_and_one_dm(bot: Harness) -> None:
    ref, _, _ = await acknowledged(bot, description="Concurrent decisions")
    await press(bot, "UALICE", "triage_decide", ref, expect_view=True)
    alice_view = bot.fake.open_view_for("UALICE")
    await press(bot, "UBOB", "triage_decide", ref, expect_view=True)
    bob_view = bot.fake.open_view_for("UBOB")
    first, second = await asyncio.gather(
        bot.submit_view("UALICE", {"outcome": "no_action", "message": "No violation."}, alice_view),
        bot.submit_view("UBOB", {"outcome": "private_reprimand", "message": "A reprimand."}, bob_view))
    bodies = [first.json(), second.json()]
    assert sorted(b["response_action"] for b in bodies) == ["errors", "update"]
    loser = next(b for b in bodies if b["response_action"] == "errors")
    assert "already decided" in loser["errors"]["outcome"]
    await bot.drain()
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as session:
        assert len(await triage_q.decisions_for(session, report.id)) == 1
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "update on your report" in m["text"]]) == 1


async def test_recusal_moves_the_case_to_a_new_private_space_without_them(bot: Harness) -> None:
    ref, channel, ts = await acknowledged(bot, description="Mallory pressured me", implicated=["UMALLORY"])
    await modal(bot, "UBOB", "triage_note", ref, {"text": "Early note before the move"})
    await bot.drain()
    body = await modal(bot, "UCAROL", "triage_recuse", ref, {})
    assert "stepped back" in str(body["view"])
    await bot.drain()

    report = await stored(bot, ref)
    assert report.recused == ("UCAROL",) and report.space_kind == "private_space" and not report.moving
    new_space = report.space_channel
    assert new_space is not None
    assert new_space != channel and bot.fake.channels[new_space].members == {"UBOT", "UALICE", "UBOB"}
    # The old message and its thread hold nothing of the report any more.
    for old in [message(bot, channel, ts), *thread(bot, channel, ts)]:
        assert "moved — conflict declared" in text_of(old)
        assert "Mallory pressured me" not in text_of(old) and "Early note" not in text_of(old)
    # The case and its history were reposted in the new space.
    moved = message(bot, new_space, report.message_ts or "")
    assert "Mallory pressured me" in text_of(moved) and "In progress" in text_of(moved)
    history = thread(bot, new_space, report.message_ts or "")
    assert any("Early note before the move" in text_of(m) for m in history)

    # From now on Carol sees nothing new and cannot act.
    await modal(bot, "UALICE", "triage_note", ref, {"text": "After the move"})
    await bot.drain()
    assert bot.fake.who_saw("After the move") == {"UALICE", "UBOB"}
    await bot.click("UCAROL", "triage_note", ref, channel=new_space, message_ts=report.message_ts)
    await bot.until(lambda: ephemerals(bot, "UCAROL"))
    assert "declared a conflict" in ephemerals(bot, "UCAROL")[0]
    # Clicking the old, moved message is refused too.
    await bot.click("UALICE", "triage_assess", ref, channel=channel, message_ts=ts)
    await bot.until(lambda: ephemerals(bot, "UALICE"))
    assert "moved to another private space" in ephemerals(bot, "UALICE")[0]
    actions = [e.action for e in await committee_audit(bot, ref)]
    assert actions[:4] == ["acknowledge", "note", "recuse", "moved"]


async def test_the_owner_recusing_leaves_the_case_unowned(bot: Harness) -> None:
    ref, _, _ = await acknowledged(bot, description="Owner recuses")
    await press(bot, "UBOB", "triage_assign_me", ref)
    await modal(bot, "UBOB", "triage_recuse", ref, {})
    await bot.drain()
    report = await stored(bot, ref)
    assert report.owner is None and report.recused == ("UBOB",)


async def test_reassign_only_to_an_eligible_member(bot: Harness) -> None:
    ref, channel, ts = await acknowledged(bot, description="Reassign", exclude=["UCAROL"])
    body = await modal(bot, "UALICE", "triage_reassign", ref, {"assignee": "UCAROL"})
    assert body["response_action"] == "errors" and "may see this report" in body["errors"]["assignee"]
    body = await modal(bot, "UALICE", "triage_reassign", ref, {"assignee": "UBOB"})
    assert body["response_action"] == "update"
    await bot.drain()
    assert (await stored(bot, ref)).owner == "UBOB"


async def test_the_anonymous_relay_never_shows_the_reporter_to_the_committee(bot: Harness) -> None:
    ref, channel, ts = await acknowledged(bot, description="Anonymous relay", anonymity="anonymous")
    await modal(bot, "UBOB", "triage_ask", ref, {"text": "Who else was in the room?"})
    await bot.drain()
    [dm] = [m for m in bot.fake.dms_to("UREPORTER") if "question" in m["text"]]
    assert "anonymous" in text_of(dm).lower() and "UBOB" not in text_of(dm)
    value = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])
    # Someone else cannot answer in the reporter's place.
    await bot.click("UMALLORY", "triage_reply", value, channel="DUMALLORY")
    await bot.until(lambda: ephemerals(bot, "UMALLORY") or bot.fake.dms_to("UMALLORY"))
    await bot.click("UREPORTER", "triage_reply", value, channel="DUREPORTER", expect_view=True)
    await bot.submit_view("UREPORTER", {"text": "Only the two of us."})
    await bot.drain()
    assert any("Only the two of us." in text_of(m) for m in thread(bot, channel, ts))
    # No call the committee's side can see carries the reporter's id.
    for seen in bot.fake.seen:
        if seen.user in COMMITTEE:
            assert "UREPORTER" not in seen.text, seen
    assert bot.fake.who_saw("Only the two of us.") == COMMITTEE
    async with bot.runtime.db.transaction() as session:
        entries = await triage_q.entries_for(session, (await stored(bot, ref)).id)
    assert [e.author for e in entries if e.kind == "answer"] == [None]


async def test_a_witness_is_told_less_than_an_affected_reporter(bot: Harness) -> None:
    ref, _, _ = await acknowledged(bot, description="I saw it happen", witnesses=["UREPORTER"])
    body = await modal(bot, "UBOB", "triage_decide", ref, {"outcome": "private_reprimand",
                                                           "message": "Thank you for speaking up."})
    assert body["response_action"] == "update"
    await bot.drain()
    [dm] = [m for m in bot.fake.dms_to("UREPORTER") if "update on your report" in m["text"]]
    assert "Thank you for speaking up." in text_of(dm)
    assert "reprimand" not in text_of(dm).lower() and "not told the details" in text_of(dm)
    await press(bot, "UBOB", "triage_close", ref)
    await bot.drain()
    assert not any("is closed" in m["text"] for m in bot.fake.dms_to("UREPORTER"))


async def test_a_ban_is_recorded_with_scope_and_end_date(bot: Harness, clock: ManualClock) -> None:
    ref, _, _ = await acknowledged(bot, description="Repeated harassment", implicated=["UMALLORY"])
    body = await modal(bot, "UBOB", "triage_decide", ref, {"outcome": "temporary_ban", "message": "Banned."})
    assert body["response_action"] == "errors"
    assert {"ban_scope", "ban_until"} <= set(body["errors"])
    end = (clock.now().date() + timedelta(days=30)).isoformat()
    body = await modal(bot, "UBOB", "triage_decide", ref, {
        "outcome": "temporary_ban", "message": "Banned for a month.", "ban_scope": "Slack and the calls",
        "ban_until": end})
    assert body["response_action"] == "update", body
    await bot.drain()
    services = bot.runtime.services
    assert services.triage is not None
    [ban] = await services.triage.active_bans()
    assert ban.subjects == ("UMALLORY",) and ban.scope == "Slack and the calls"
    assert ban.ends_at is not None and ban.ends_at.date() == date.fromisoformat(end)
    clock.advance(days=31)
    assert await services.triage.active_bans() == []


async def test_a_public_announcement_needs_a_second_member(bot: Harness) -> None:
    bot.fake.channels[GENERAL].members.add(bot.fake.bot_user_id)
    ref, channel, ts = await acknowledged(bot, description="Public case", implicated=["UMALLORY"])
    body = await modal(bot, "UBOB", "triage_decide", ref, {
        "outcome": "public_reprimand", "message": "We will reprimand publicly.",
        "announcement": "<@UMALLORY> was rude.", "announce_channel": GENERAL})
    assert "Keep the announcement general" in body["errors"]["announcement"]
    text = ("A community member made repeated unwelcome remarks in a call.\nThis was a violation of our policy.\n"
            "We have taken action.")
    body = await modal(bot, "UBOB", "triage_decide", ref, {
        "outcome": "public_reprimand", "message": "We will reprimand publicly.", "announcement": text,
        "announce_channel": GENERAL})
    assert body["response_action"] == "update", body
    await bot.drain()
    assert bot.fake.messages_in(GENERAL) == []
    [decision_post] = [m for m in thread(bot, channel, ts) if "triage_review_announcement" in buttons(m)]
    value = buttons_value(decision_post)
    # The member who drafted it cannot approve it.
    await bot.click("UBOB", "triage_review_announcement", value, channel=channel, message_ts=decision_post["ts"])
    await bot.until(lambda: ephemerals(bot, "UBOB"))
    assert "second committee member" in ephemerals(bot, "UBOB")[0]
    await bot.click("UCAROL", "triage_review_announcement", value, channel=channel, message_ts=decision_post["ts"],
                    expect_view=True)
    resp = await bot.submit_view("UCAROL", {})
    assert resp.json()["response_action"] == "update"
    await bot.drain()
    [posted] = bot.fake.messages_in(GENERAL)
    assert "repeated unwelcome remarks" in text_of(posted) and "Public case" not in text_of(posted)
    # Approving again posts nothing more.
    await bot.click("UALICE", "triage_review_announcement", value, channel=channel, message_ts=decision_post["ts"])
    await bot.until(lambda: ephemerals(bot, "UALICE"))
    await bot.drain()
    assert len(bot.fake.messages_in(GENERAL)) == 1


def buttons_value(msg: dict) -> str:
    return next(e["value"] for b in msg.get("blocks", []) if b.get("type") == "actions" for e in b["elements"])


@pytest.fixture
async def on_demand_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = Harness(slack, make_config(triage={"details_on_demand": True}), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def test_details_on_demand_keeps_the_account_out_of_the_channel(on_demand_bot: Harness) -> None:
    bot = on_demand_bot
    ref, channel, ts = await acknowledged(bot, description="Graphic details here", implicated=["UMALLORY"])
    await modal(bot, "UBOB", "triage_note", ref, {"text": "Sensitive note"})
    await bot.click("UREPORTER", "add_information", ref)
    await bot.until(lambda: bot.fake.open_view_for("UREPORTER") is not None)
    await bot.submit_view("UREPORTER", {"information": "More graphic details"})
    await bot.drain()
    for msg in bot.fake.messages_in(channel):
        for secret in ("Graphic details here", "Sensitive note", "More graphic details", "UMALLORY"):
            assert secret not in text_of(msg)
    assert "triage_view" in buttons(message(bot, channel, ts))
    # A person added to the channel later finds nothing in its history.
    assert bot.fake.who_saw("Graphic details here") == set()
    await press(bot, "UCAROL", "triage_view", ref, expect_view=True)
    view = bot.fake.open_view_for("UCAROL")
    assert view is not None
    for secret in ("Graphic details here", "Sensitive note", "More graphic details"):
        assert secret in str(view)
    assert bot.fake.who_saw("Graphic details here") == {"UCAROL"}
    views = [e for e in await committee_audit(bot, ref) if e.action == "view"]
    assert [v.actor for v in views] == ["UCAROL"]


async def test_concurrent_clicks_serialise_on_either_engine(engine_bot: Harness) -> None:
    """SQLite (write lock) and PostgreSQL (row lock): racing clicks make one transition and one DM each."""
    bot = engine_bot
    ref, channel, ts = await file_report(bot, description="Racing clicks")
    await asyncio.gather(*(bot.click(u, "triage_acknowledge", ref, channel=channel, message_ts=ts)
                           for u in ("UALICE", "UBOB", "UCAROL") * 2))
    await asyncio.gather(*(bot.click(u, "triage_assign_me", ref, channel=channel, message_ts=ts)
                           for u in ("UALICE", "UBOB")))
    await bot.drain()
    actions = [e.action for e in await committee_audit(bot, ref)]
    assert actions.count("acknowledge") == 1 and actions.count("assign") == 2
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "acknowledged" in m["text"]]) == 1
    assert (await stored(bot, ref)).owner in ("UALICE", "UBOB")


async def test_take_a_week_off_defaults_to_seven_days(bot: Harness, clock: ManualClock) -> None:
    ref, _, _ = await acknowledged(bot, description="Week off", implicated=["UMALLORY"])
    body = await modal(bot, "UBOB", "triage_decide", ref, {"outcome": "week_off", "message": "A break.",
                                                           "ban_scope": "Slack workspace"})
    assert body["response_action"] == "update", body
    services = bot.runtime.services
    assert services.triage is not None
    [ban] = await services.triage.active_bans()
    assert ban.ends_at == clock.now() + timedelta(days=7) and ban.subjects == ("UMALLORY",)


async def test_recusing_the_last_eligible_member_escalates_then_holds(bot: Harness) -> None:
    ref, channel, ts = await file_report(bot, description="Only Carol may read this", exclude=["UALICE", "UBOB"])
    await modal(bot, "UCAROL", "triage_recuse", ref, {})
    await bot.drain()
    report = await stored(bot, ref)
    assert report.space_kind == "escalation" and report.space_channel == "UESCAL"
    assert bot.fake.who_saw("Only Carol may read this") == {"UCAROL", "UESCAL"}
    # The escalation contact can act on it, and can step back too: then nobody may read it.
    await press(bot, "UESCAL", "triage_acknowledge", ref)
    await bot.drain()
    assert (await stored(bot, ref)).state == "acknowledged"
    await modal(bot, "UESCAL", "triage_recuse", ref, {})
    await bot.drain()
    report = await stored(bot, ref)
    assert report.delivery_state == "held" and not report.moving
    assert any("could not be passed on" in m["text"] for m in bot.fake.dms_to("UREPORTER"))
    assert bot.fake.who_saw("Only Carol may read this") == {"UCAROL", "UESCAL"}
    for old in bot.fake.dms_to("UESCAL"):
        assert "Only Carol may read this" not in text_of(old)


async def test_a_recused_member_gets_no_reminders(bot: Harness, clock: ManualClock) -> None:
    ref, channel, ts = await file_report(bot, description="Reminder test")
    await modal(bot, "UCAROL", "triage_recuse", ref, {})
    await bot.drain()
    since = len(bot.fake.seen)
    clock.advance(days=3)
    await bot.drain()
    clock.advance(days=3)
    await bot.drain()
    later = [s for s in bot.fake.seen[since:] if ref in s.text]
    assert later and {s.user for s in later} <= {"UALICE", "UBOB"}, bot.fake.transcript()


async def test_the_message_says_overdue_once_the_response_deadline_passes(bot: Harness, clock: ManualClock) -> None:
    ref, channel, ts = await acknowledged(bot, description="Deadline display")
    assert "overdue" not in text_of(message(bot, channel, ts))
    clock.advance(days=12)
    await bot.drain()
    assert "overdue" in text_of(message(bot, channel, ts))


async def test_a_move_interrupted_by_slack_errors_resumes_without_a_second_space(bot: Harness,
                                                                                 clock: ManualClock) -> None:
    ref, channel, ts = await acknowledged(bot, description="Move under faults", implicated=["UMALLORY"])
    bot.fake.fail("conversations.invite", times=1, status=500, error="internal_error")
    bot.fake.fail("chat.postMessage", times=1, status=429, error="ratelimited", retry_after=3)
    await modal(bot, "UCAROL", "triage_recuse", ref, {})
    since = len(bot.fake.seen)
    for _ in range(5):
        await bot.drain()
        clock.advance(minutes=10)
    report = await stored(bot, ref)
    assert not report.moving and report.space_kind == "private_space"
    created = [c for c in bot.fake.calls_to("conversations.create") if c.response.get("ok")]
    assert len(created) == 1 and report.space_channel == created[0].response["channel"]["id"]
    assert len(bot.fake.messages_in(report.space_channel or "")) >= 1
    assert "moved — conflict declared" in text_of(message(bot, channel, ts))
    assert not any("Move under faults" in s.text for s in bot.fake.seen[since:] if s.user == "UCAROL")
    new_posts = [m for m in bot.fake.messages_in(report.space_channel or "") if m.get("thread_ts") is None]
    assert len(new_posts) == 1
