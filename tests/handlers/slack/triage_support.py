"""Small helpers shared by the triage end-to-end tests (the harness stays the single driver)."""

from __future__ import annotations

from typing import Any

from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.reports import ReportRecord
from tests.harness import Harness


async def stored(bot: Harness, ref: str) -> ReportRecord:
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None
    return report


async def audit(bot: Harness, ref: str) -> list[triage_q.AuditEntry]:
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as session:
        return await triage_q.audit_for(session, report.id)


# Steps cocbot records for itself or for the reporter (bot/audit/trail.py), beside the committee's own.
COCBOT_STEPS = frozenset({"filed", "addition", "reminder_sent", "escalation_sent", "committee_joined",
                          "committee_left"})


async def committee_audit(bot: Harness, ref: str) -> list[triage_q.AuditEntry]:
    """The trail's entries for what committee members (and the reporter's answers) did."""
    return [e for e in await audit(bot, ref) if e.action not in COCBOT_STEPS]


async def file_report(bot: Harness, **values: Any) -> tuple[str, str, str]:
    """File a report and deliver it; returns (ref, space channel, message ts)."""
    ref = await bot.report(**values)
    await bot.drain()
    report = await stored(bot, ref)
    assert report.space_channel and report.message_ts, report.delivery_state
    return ref, report.space_channel, report.message_ts


async def acknowledged_report(bot: Harness, description: str) -> ReportRecord:
    """A report filed, delivered and acknowledged by UALICE; as stored then."""
    ref, channel, _ = await file_report(bot, description=description)
    assert (await bot.runtime.services.triage.acknowledge(ref, "UALICE", channel)).ok
    return await stored(bot, ref)


async def press(bot: Harness, user: str, action: str, ref: str, *, expect_view: bool = False) -> None:
    """Click a button on the report's message where it currently lives."""
    report = await stored(bot, ref)
    channel = report.space_channel if report.space_kind != "escalation" else f"D{report.space_channel}"
    resp = await bot.click(user, action, ref, channel=channel, message_ts=report.message_ts,
                           expect_view=expect_view)
    assert resp.status == 200, resp


async def modal(bot: Harness, user: str, action: str, ref: str, values: dict[str, Any]) -> dict[str, Any]:
    """Click a button that opens a modal and submit it; returns the submission's response body."""
    await press(bot, user, action, ref, expect_view=True)
    resp = await bot.submit_view(user, values)
    assert resp.status == 200, resp
    return resp.json()


def ephemerals(bot: Harness, user: str) -> list[str]:
    return [str(c.params.get("text")) for c in bot.fake.calls_to("chat.postEphemeral")
            if c.params.get("user") == user]


def message(bot: Harness, channel: str, ts: str) -> dict[str, Any]:
    return next(m for m in bot.fake.messages_in(channel) if m["ts"] == ts)


def thread(bot: Harness, channel: str, ts: str) -> list[dict[str, Any]]:
    return [m for m in bot.fake.messages_in(channel) if m.get("thread_ts") == ts]


def text_of(msg: dict[str, Any]) -> str:
    from cocbot.handlers.slack.testing.fake_api import flatten

    return flatten({"text": msg.get("text"), "blocks": msg.get("blocks")})


def buttons(msg: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in msg.get("blocks", []) if b.get("type") == "actions" for e in b["elements"]]


async def slow_modal(bot: Harness, user: str, action: str, ref: str, values: dict[str, Any]) -> dict[str, Any]:
    """Like `modal`, with storing held back until Slack has its answer: the answer must be "being saved"
    (Slack was answered in time), and what is returned is the view the modal was updated with afterwards."""
    await press(bot, user, action, ref, expect_view=True)
    with bot.storing_slowly():
        resp = await bot.submit_view(user, values)
    assert resp.status == 200 and resp.saving, resp
    return dict(resp.json()["view"])
