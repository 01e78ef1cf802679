"""Which PM topic is what: the reporter's threads are remembered after a delivery, for forum reports only."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.threads import ForumThreads, topic_channel, topic_id_of
from cocbot.bot.reports.intake import Intake, ReportDraft, Source
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from tests.harness import make_config
from tests.handlers.discourse.conftest import discourse_section


def _item(report_id: int, kind: str, **payload: object) -> ClaimedItem:
    return ClaimedItem(id=1, key=f"{kind}:{report_id}", kind=kind, report_id=report_id, payload=dict(payload),
                       attempts=0)


async def test_a_reporter_pm_on_the_forum_becomes_the_reports_thread(db: Database) -> None:
    clock = ManualClock()
    config = make_config(discourse=discourse_section("http://forum.invalid"))
    intake = Intake(db, config, clock, lambda: None)
    forum = await intake.submit(ReportDraft("k1", "rita", Source.FORM, "x", platform="discourse"))
    slack = await intake.submit(ReportDraft("k2", "UREPORTER", Source.COMMAND, "y"))
    async with db.transaction() as session:
        forum_id = (await reports_q.get_report_by_ref(session, forum.ref)).id  # type: ignore[union-attr]
        slack_id = (await reports_q.get_report_by_ref(session, slack.ref)).id  # type: ignore[union-attr]
    threads = ForumThreads(db, clock)
    await threads.after_reporter_pm(_item(forum_id, "confirm_reporter"), {"channel": topic_channel(11)})
    await threads.after_reporter_pm(_item(forum_id, "triage_tell_reporter", notice="question", id=5),
                                    {"channel": topic_channel(12)})
    await threads.after_reporter_pm(_item(slack_id, "confirm_reporter"), {"channel": topic_channel(13)})
    await threads.after_reporter_pm(_item(forum_id, "confirm_reporter"), {"channel": "rita"})  # no topic
    reporter, _ = await threads.find(11)
    question, _ = await threads.find(12)
    assert reporter is not None and (reporter.purpose, reporter.username, reporter.report_id) == \
        ("reporter", "rita", forum_id)
    assert question is not None and (question.purpose, question.question_id) == ("question", 5)
    assert (await threads.find(13)) == (None, None)


def test_topic_channels_round_trip() -> None:
    assert topic_id_of(topic_channel(42)) == 42
    assert topic_id_of("rita") is None and topic_id_of("topic:x") is None
