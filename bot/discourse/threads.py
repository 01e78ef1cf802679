"""Which private-message topic is what to cocbot: a form link for one member, a report's thread with its
reporter (replies add information), a committee question relayed to the reporter (replies answer it), or a
report's committee space.

A channel on the forum is `topic:<id>` (an existing PM topic) or a username (a new PM to that person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.clock import Clock
from cocbot.storage import discourse as dq
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.discourse import Thread
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

TOPIC = "topic:"

# Outbox kinds that write a report's reporter: on the forum, each such PM becomes a thread whose replies
# reach the report (they add information, or answer a committee question).
REPORTER_KINDS = ("confirm_reporter", "triage_tell_reporter", "hold_confirm", "hold_warn", "hold_released")


def topic_channel(topic_id: int) -> str:
    return f"{TOPIC}{topic_id}"


def topic_id_of(channel: str) -> int | None:
    if channel.startswith(TOPIC) and channel[len(TOPIC):].isdigit():
        return int(channel[len(TOPIC):])
    return None


@dataclass
class ForumThreads:
    db: Database
    clock: Clock

    async def find(self, topic_id: int) -> tuple[Thread | None, ReportRecord | None]:
        """The thread cocbot started in this topic, and the report whose committee space it is (if any)."""
        async with self.db.transaction() as session:
            thread = await dq.get_thread(session, topic_id)
            space_report = await dq.report_id_for_space(session, topic_channel(topic_id))
            report = None if space_report is None else await reports_q.get_report(session, space_report)
        return thread, report

    async def report(self, report_id: int) -> ReportRecord | None:
        async with self.db.transaction() as session:
            return await reports_q.get_report(session, report_id)

    async def started(self, topic_id: int, purpose: str, username: str | None, report_id: int | None = None,
                      question_id: int | None = None) -> None:
        async with self.db.transaction() as session:
            await dq.put_thread(session, topic_id=topic_id, purpose=purpose, username=username,
                                report_id=report_id, now=self.clock.now(), question_id=question_id)

    async def started_form_link(self, channel: str, username: str) -> None:
        """The PM a form link went in: the member's later messages there ask again in the same thread."""
        topic = topic_id_of(channel)
        if topic is not None:  # a reused thread is recorded already, and stays as it is
            await self.started(topic, "form_link", username)

    async def after_reporter_pm(self, item: ClaimedItem, result: dict[str, Any]) -> None:
        """Remember the PM a reporter kind just sent a Discourse reporter, so that replies reach the report."""
        topic = topic_id_of(str(result.get("channel") or ""))
        if topic is None or item.report_id is None:
            return
        report = item.report or await self.report(item.report_id)
        if report is None or report.platform != "discourse":
            return
        question = item.payload.get("id") if item.payload.get("notice") == "question" else None
        await self.started(topic, "question" if question else "reporter", report.reporter, report.id,
                           int(question) if question else None)
