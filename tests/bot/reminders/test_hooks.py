"""The hooks intake and triage call inside their transactions: what they plan, on either database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.reminders import hooks as reminders
from cocbot.storage import reminders as reminders_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport
from tests.harness import make_config

NOW = datetime(2026, 3, 7, 22, 0, tzinfo=timezone.utc)  # Saturday night, at a conference



def new_report(key: str, channel: str | None = "CCONF") -> NewReport:
    return NewReport(idempotency_key=key, platform="slack", source="command", anonymity="confidential",
                     reporter="UREPORTER", description="private words", where_channel=channel)


async def plan_for(db: Database, key: str, predicate: reminders.EventPredicate | None = None,
                   channel: str | None = "CCONF") -> list[tuple[str, str, datetime]]:
    config = make_config()
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, new_report(key, channel), NOW)
        kwargs = {"is_event": predicate} if predicate else {"is_event": reminders.no_events}
        await reminders.on_report_stored(s, report, NOW, config, **kwargs)
    async with db.transaction() as s:
        stored = await reports_q.get_report_by_ref(s, report.ref)
        assert stored is not None  # the report itself is always kept
        return [(kind, status, due) for _, kind, status, due in await reminders_q.rows_for_report(s, report.id)]


async def test_normal_plan_respects_the_working_week(db: Database) -> None:
    plan = await plan_for(db, "normal")
    assert plan == [
        ("reminder_ack", "pending", NOW + timedelta(hours=4)),
        ("reminder_ack", "pending", NOW + timedelta(hours=12)),
        # Sunday 22:00 is outside working days → end of Monday.
        ("escalation_ack", "pending", datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc)),
    ]


async def test_event_mode_uses_the_shorter_target(db: Database) -> None:
    asked: list[tuple[str, datetime]] = []

    async def during_a_shift(session: AsyncSession, channel: str, when: datetime) -> bool:
        asked.append((channel, when))
        return True

    plan = await plan_for(db, "event", during_a_shift)
    assert asked == [("CCONF", NOW)]
    assert plan == [("reminder_ack", "pending", NOW + timedelta(hours=4)),
                    ("escalation_ack", "pending", NOW + timedelta(hours=12))]


async def test_a_failing_event_question_never_loses_the_report(db: Database) -> None:
    async def broken(session: AsyncSession, channel: str, when: datetime) -> bool:
        from sqlalchemy import text

        await session.execute(text("SELECT * FROM no_such_table"))
        return True

    plan = await plan_for(db, "broken", broken)
    assert [kind for kind, _, _ in plan] == ["reminder_ack", "reminder_ack", "escalation_ack"]


async def test_a_report_without_a_channel_is_never_event_mode(db: Database) -> None:
    async def always(session: AsyncSession, channel: str, when: datetime) -> bool:
        raise AssertionError("not asked without a channel")

    plan = await plan_for(db, "nochannel", always, channel=None)
    assert plan[-1][2] == datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc)


async def test_event_mode_from_an_on_duty_shift(db: Database) -> None:
    from cocbot.storage import duty

    async with db.transaction() as s:
        await duty.add_shift(s, facilitator="UALICE", channels=frozenset({"CCONF"}), starts_at=NOW - timedelta(hours=1),
                             ends_at=NOW + timedelta(hours=3), created_by="UALICE", now=NOW)
    plan = await plan_for(db, "duty", reminders.duty_event_predicate)
    assert plan[-1] == ("escalation_ack", "pending", NOW + timedelta(hours=12))
    other = await plan_for(db, "duty-other-channel", reminders.duty_event_predicate, channel="COTHER")
    assert other[-1][2] == datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc)


async def test_acknowledge_twice_keeps_one_response_reminder(db: Database) -> None:
    config = make_config()
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, new_report("twice"), NOW)
        await reminders.on_report_stored(s, report, NOW, config, is_event=reminders.no_events)
    for minutes in (0, 5):
        async with db.transaction() as s:
            await reminders.on_acknowledged(s, report.id, NOW + timedelta(minutes=minutes), config)
    async with db.transaction() as s:
        rows = await reminders_q.rows_for_report(s, report.id)
    assert [(k, st) for _, k, st, _ in rows if st == "pending"] == [("reminder_respond", "pending")]


async def test_event_mode_is_recorded_on_the_report_so_every_display_agrees(db: Database) -> None:
    """The committee's message and the App Home read the same flag the reminders were planned from."""
    from cocbot.bot.reminders import deadlines

    async def during_a_shift(session: AsyncSession, channel: str, when: datetime) -> bool:
        return True

    config = make_config()
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, new_report("flag"), NOW)
        await reminders.on_report_stored(s, report, NOW, config, is_event=during_a_shift)
    async with db.transaction() as s:
        stored = await reports_q.get_report_by_ref(s, report.ref)
    assert stored is not None and stored.event_mode
    label, due = deadlines.current_deadline(
        stored.state, created_at=stored.created_at, acknowledged_at=None, reopened_at=None, policy=config.policy,
        calendar=deadlines.calendar_from_policy(config.policy), event_mode=stored.event_mode) or ("", NOW)
    assert (label, due) == ("Acknowledge by", NOW + timedelta(hours=12))
