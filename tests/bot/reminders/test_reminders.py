"""Acknowledgement reminders, escalations and response reminders, end to end against the fake Slack.

Time moves with the harness's ManualClock; nothing sleeps. `bot.drain()` runs everything due "now".
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlmodel import col

from cocbot.bot.reminders import hooks as reminders
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reminders.delivery import ReminderDelivery
from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage.content import PLAIN as SEAL
from cocbot.storage import reminders as reminders_q
from cocbot.storage import reports as reports_q
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, ESCALATION, MEMBERS, Harness, make_config

SECRET = "the projector cable incident"


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [flatten(m) for m in messages]


def reminders_in(slack: FakeSlack, channel: str, ref: str) -> list[str]:
    return [t for t in _texts(slack.messages_in(channel)) if f"Reminder: report {ref}" in t]


def escalations_to(slack: FakeSlack, user: str, ref: str) -> list[str]:
    return [t for t in _texts(slack.dms_to(user)) if f"Report {ref} has missed" in t]


def respond_reminders_in(slack: FakeSlack, channel: str, ref: str) -> list[str]:
    return [t for t in _texts(slack.messages_in(channel)) if f"Report {ref}: the reporter was promised" in t]


async def report_id(bot: Harness, ref: str) -> int:
    async with bot.runtime.db.transaction() as s:
        report = await reports_q.get_report_by_ref(s, ref)
    assert report is not None
    return report.id


async def acknowledge(bot: Harness, ref: str) -> None:
    """What triage does on Acknowledge: change the state and call the hook in the same transaction."""
    async with bot.runtime.db.transaction() as s:
        report = await reports_q.get_report_by_ref(s, ref)
        assert report is not None
        await reports_q.update_report(s, report.id, state="acknowledged")
        await reminders.on_acknowledged(s, report.id, bot.clock.now(), bot.config)


async def close(bot: Harness, ref: str) -> None:
    async with bot.runtime.db.transaction() as s:
        report = await reports_q.get_report_by_ref(s, ref)
        assert report is not None
        await reports_q.update_report(s, report.id, state="closed")
        await reminders.on_closed(s, report.id, bot.clock.now())


async def rows(bot: Harness, ref: str) -> list[tuple[str, str, str, datetime]]:
    rid = await report_id(bot, ref)
    async with bot.runtime.db.transaction() as s:
        return await reminders_q.rows_for_report(s, rid)


async def advance_to(bot: Harness, hours: float) -> None:
    """Move to `hours` after the report was filed at the clock's start, then deliver what is due."""
    bot.clock.set(START + timedelta(hours=hours))
    await bot.drain()


START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday, 09:00 UTC


async def test_reminders_then_escalation_then_daily_until_acknowledged(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report(description=SECRET)
    await bot.drain()
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []

    await advance_to(bot, 3.9)
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []
    await advance_to(bot, 4)
    [first] = reminders_in(slack, COMMITTEE_CHANNEL, ref)
    assert "4 h ago" in first and "Tue 03 Mar 09:00 UTC (in 20 h)" in first
    assert "https://fake.slack.com/archives/" in first  # the link to the report's message

    await advance_to(bot, 12)
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 2
    assert all(escalations_to(slack, m, ref) == [] for m in MEMBERS)

    await advance_to(bot, 24)  # the deadline: every eligible member is told by DM
    for member in MEMBERS:
        assert len(escalations_to(slack, member, ref)) == 1
    await advance_to(bot, 36)
    assert all(len(escalations_to(slack, m, ref)) == 1 for m in MEMBERS)
    await advance_to(bot, 48)  # daily
    assert all(len(escalations_to(slack, m, ref)) == 2 for m in MEMBERS)

    await acknowledge(bot, ref)
    await advance_to(bot, 24 * 5)
    assert all(len(escalations_to(slack, m, ref)) == 2 for m in MEMBERS)
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 2
    # Nothing any reminder carried was report content, and the reporter got none of them.
    assert SECRET not in "\n".join(_texts(slack.messages_in(COMMITTEE_CHANNEL))[1:])
    assert all("Reminder" not in t and "missed" not in t for t in _texts(slack.dms_to("UREPORTER")))
    for member in MEMBERS:
        assert all(SECRET not in t for t in _texts(slack.dms_to(member)))


async def test_acknowledging_cancels_pending_reminders_at_once_and_plans_the_response(
        bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report()
    await bot.drain()
    await advance_to(bot, 5)
    await acknowledge(bot, ref)
    statuses = {(kind, status) for _, kind, status, _ in await rows(bot, ref)}
    assert ("reminder_ack", "cancelled") in statuses and ("escalation_ack", "cancelled") in statuses
    assert ("reminder_ack", "pending") not in statuses and ("escalation_ack", "pending") not in statuses
    [respond] = [r for r in await rows(bot, ref) if r[1] == "reminder_respond"]
    # Acknowledged Monday 14:00; response due a week later; reminded a day before.
    assert respond[2] == "pending" and respond[3] == START + timedelta(days=6, hours=5)

    await advance_to(bot, 24 * 6 + 5)
    [text] = respond_reminders_in(slack, COMMITTEE_CHANNEL, ref)
    assert "Mon 09 Mar 14:00 UTC (in 1 d)" in text and "update" in text
    await advance_to(bot, 24 * 9)
    assert len(respond_reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 1
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 1  # only the 4 h one


async def test_closing_cancels_everything(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report()
    await bot.drain()
    await acknowledge(bot, ref)
    await close(bot, ref)
    assert {status for _, kind, status, _ in await rows(bot, ref) if kind in reminders.ACK_KINDS
            + reminders.RESPOND_KINDS} == {"cancelled"}
    await advance_to(bot, 24 * 30)
    assert respond_reminders_in(slack, COMMITTEE_CHANNEL, ref) == []


async def test_reopened_report_gets_a_fresh_plan(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report()
    await bot.drain()
    await acknowledge(bot, ref)
    await close(bot, ref)
    await advance_to(bot, 24 * 10)
    rid = await report_id(bot, ref)
    async with bot.runtime.db.transaction() as s:
        await reports_q.update_report(s, rid, state="new")
        await reminders.on_reopened(s, rid, bot.clock.now(), bot.config)
    await advance_to(bot, 24 * 10 + 4)
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 1


async def test_implicated_excluded_and_reporter_get_no_escalation(slack: FakeSlack, sqlite_url: str,
                                                                  clock: Any) -> None:
    # The chair is implicated, Bob is excluded, Carol filed the report: only Alice may be told.
    config = make_config(committee={"channel": COMMITTEE_CHANNEL, "members": list(MEMBERS),
                                    "escalation_contact": ESCALATION, "chair": "UCAROL"})
    bot = await Harness(slack, config, sqlite_url, clock).start()
    try:
        ref = await bot.report(user="UCAROL", description=SECRET, implicated=["UMALLORY"], exclude=["UBOB"])
        await bot.drain()
        await advance_to(bot, 24)
        assert len(escalations_to(slack, "UALICE", ref)) == 1
        assert escalations_to(slack, "UBOB", ref) == [] and escalations_to(slack, "UCAROL", ref) == []
        assert "UBOB" not in slack.who_saw(ref) and "UMALLORY" not in slack.who_saw(ref)
        # The space reminders went to the private space that holds neither Bob nor Mallory.
        assert all(s.user not in ("UBOB", "UMALLORY") for s in slack.seen if "Reminder" in s.text)
    finally:
        await bot.stop()


async def test_chair_who_is_a_member_is_told_once(slack: FakeSlack, sqlite_url: str, clock: Any) -> None:
    config = make_config(committee={"channel": COMMITTEE_CHANNEL, "members": list(MEMBERS),
                                    "escalation_contact": ESCALATION, "chair": "UBOB"})
    bot = await Harness(slack, config, sqlite_url, clock).start()
    try:
        await bot.report()
        await bot.drain()
        await advance_to(bot, 24)
        told = [c.params["channel"] for c in slack.calls_to("chat.postMessage") if "has missed" in flatten(c.params)]
        assert sorted(told) == sorted(MEMBERS)
    finally:
        await bot.stop()


async def test_escalation_contact_report_is_escalated_to_them_only(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report(exclude=list(MEMBERS))
    await bot.drain()
    await advance_to(bot, 24)
    assert len(escalations_to(slack, ESCALATION, ref)) == 1
    assert all(escalations_to(slack, m, ref) == [] for m in MEMBERS)
    assert all(m not in slack.who_saw(ref) for m in MEMBERS)


async def test_held_report_sends_no_reminders(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report(exclude=list(MEMBERS), implicated=[ESCALATION])
    await bot.drain()
    before = len(slack.calls_to("chat.postMessage"))
    await advance_to(bot, 72)
    assert len(slack.calls_to("chat.postMessage")) == before
    results = [SEAL.unseal(r) for r in await _results(bot, ref)]
    assert results and all(r.get("skipped") == "held" for r in results)


async def _results(bot: Harness, ref: str) -> list[str]:
    from sqlalchemy import select

    from cocbot.storage.models import OutboxItem

    rid = await report_id(bot, ref)
    async with bot.runtime.db.transaction() as s:
        got = await s.execute(select(col(OutboxItem.result_sealed)).where(
            col(OutboxItem.report_id) == rid, col(OutboxItem.kind).in_(reminders.ACK_KINDS),
            col(OutboxItem.result_sealed).is_not(None)))
        return [r for (r,) in got.all() if r is not None]


async def test_a_restart_with_reminders_overdue_sends_each_exactly_once(bot: Harness, slack: FakeSlack) -> None:
    ref = await bot.report()
    await bot.drain()
    await bot.stop()  # the bot is down from Monday 09:00 …
    bot.clock.set(START + timedelta(hours=30))  # … until Tuesday 15:00: 4 h, 12 h and the deadline passed
    await bot.start()
    await bot.drain()
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 2
    assert all(len(escalations_to(slack, m, ref)) == 1 for m in MEMBERS)
    for _ in range(2):  # restarting again, or draining again, sends nothing twice
        await bot.restart()
        await bot.drain()
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 2
    assert all(len(escalations_to(slack, m, ref)) == 1 for m in MEMBERS)
    # Down for three more days: one escalation now, not one per missed day, then daily again.
    await bot.stop()
    bot.clock.set(START + timedelta(hours=24 * 4 + 1))
    await bot.start()
    await bot.drain()
    assert all(len(escalations_to(slack, m, ref)) == 2 for m in MEMBERS)
    await advance_to(bot, 24 * 5)
    assert all(len(escalations_to(slack, m, ref)) == 3 for m in MEMBERS)


async def test_acknowledgement_racing_a_claimed_reminder(bot: Harness, slack: FakeSlack) -> None:
    """The worker has already claimed the 4 h reminder when a member clicks Acknowledge."""
    ref = await bot.report()
    await bot.drain()
    runtime = bot.runtime
    delivery: ReminderDelivery = runtime.worker.handlers["reminder_ack"].__self__  # type: ignore[attr-defined]
    worker = OutboxWorker(runtime.db, bot.clock)

    async def ack_then_deliver(item: Any) -> dict[str, Any]:
        await acknowledge(bot, ref)
        return await delivery.reminder_ack(item)

    worker.register("reminder_ack", ack_then_deliver)
    bot.clock.set(START + timedelta(hours=4))
    assert await worker.run_once() == 1
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []
    [row] = [r for r in await rows(bot, ref) if r[1] == "reminder_ack" and r[0].endswith(":0")]
    assert row[2] == "cancelled"  # the worker's settle did not resurrect the cancelled row
    await advance_to(bot, 48)
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []
    assert all(escalations_to(slack, m, ref) == [] for m in MEMBERS)


async def test_acknowledgement_landing_while_the_link_is_fetched(bot: Harness, slack: FakeSlack) -> None:
    """The state is read again right before posting, after the slow part (the permalink)."""
    ref = await bot.report()
    await bot.drain()
    delivery = bot.runtime.worker.handlers["reminder_ack"].__self__  # type: ignore[attr-defined]
    original = delivery._permalink

    async def slow_link(report: Any) -> str | None:
        link = await original(report)
        async with bot.runtime.db.transaction() as s:  # acknowledged without cancelling: state alone
            await reports_q.update_report(s, report.id, state="acknowledged")
        return link

    delivery._permalink = slow_link
    await advance_to(bot, 4)
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []


async def test_reminder_waits_for_a_report_not_yet_delivered(bot: Harness, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", times=1000, status=500)
    ref = await bot.report()
    await advance_to(bot, 4)
    assert reminders_in(slack, COMMITTEE_CHANNEL, ref) == []
    [row] = [r for r in await rows(bot, ref) if r[1] == "reminder_ack" and r[0].endswith(":0")]
    assert row[2] == "pending"  # deferred, not dropped
    slack.faults.clear()
    await advance_to(bot, 4.2)  # the report's own retry first, then the reminder
    await advance_to(bot, 4.4)
    assert len(reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 1


async def owned_by(bot: Harness, owner: str) -> str:
    """A report filed by UCAROL, acknowledged, owned by `owner`, six days on (its response reminder due)."""
    ref = await bot.report(user="UCAROL")
    await bot.drain()
    await acknowledge(bot, ref)
    rid = await report_id(bot, ref)
    async with bot.runtime.db.transaction() as s:
        await reports_q.update_report(s, rid, owner=owner)
    await advance_to(bot, 24 * 6)
    return ref


async def test_response_reminder_goes_to_the_owner_by_dm(bot: Harness, slack: FakeSlack) -> None:
    ref = await owned_by(bot, "UALICE")
    assert len([t for t in _texts(slack.dms_to("UALICE")) if f"Report {ref}: the reporter was promised" in t]) == 1
    assert "You own this report" in flatten(slack.dms_to("UALICE")[-1])
    assert respond_reminders_in(slack, COMMITTEE_CHANNEL, ref) == []


async def test_response_reminder_never_goes_to_an_owner_who_filed_the_report(bot: Harness, slack: FakeSlack) -> None:
    ref = await owned_by(bot, "UCAROL")
    assert all("the reporter was promised" not in t for t in _texts(slack.dms_to("UCAROL")))
    assert len(respond_reminders_in(slack, COMMITTEE_CHANNEL, ref)) == 1


async def test_a_report_never_delivered_is_escalated_and_its_space_reminders_stop(bot: Harness,
                                                                                 slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", times=10_000, status=500)
    ref = await bot.report()
    await advance_to(bot, 12)
    slack.faults.clear()
    # Slack answers again only for DMs: the committee channel is archived meanwhile, say.
    slack.fail("conversations.members", times=10_000, error="channel_not_found", status=200)
    await advance_to(bot, 24)
    assert all(len(escalations_to(slack, m, ref)) == 1 for m in MEMBERS)
    results = [SEAL.unseal(r) for r in await _results(bot, ref)]
    assert {"skipped": "not_delivered"} in results
