"""What the reporter and the committee are shown about a report, depending on where it stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from cocbot.bot.messages import Buttons, Text
from cocbot.bot.reports import texts
from cocbot.storage.reports import ReportRecord
from tests.harness import make_config

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
REPORT = ReportRecord(
    id=7, ref="R-0007", platform="slack", source="slash_command", created_at=NOW, anonymity="named",
    reporter="UNIA", description="slurs at night", when="", where_channel=None, where_text="", implicated=(),
    implicated_other="", witnesses=(), excluded=(), ongoing="no", danger=False, flagged_channel=None,
    flagged_ts=None, flagged_author=None, flagged_permalink=None, snapshot="", state="new",
    delivery_state="pending", space_kind=None, space_channel=None, space_invited=False, message_ts=None)


def _text(report: ReportRecord) -> str:
    message = texts.reporter_confirmation(report, make_config())
    return " ".join(b.text for b in message.blocks if isinstance(b, Text))


def test_confirmation_says_passed_to_the_committee_only_once_delivered() -> None:
    pending = _text(REPORT)
    assert "passed to" not in pending and "as soon as it can be delivered" in pending
    for state in ("delivered", "escalated"):
        assert "has been passed to the Code of Conduct committee" in _text(replace(REPORT, delivery_state=state))


def _actions(report: ReportRecord) -> list[str]:
    rendered = texts.buttons(report, make_config())
    assert isinstance(rendered, Buttons)
    return [b.action_id for b in rendered.buttons]


def test_reassign_is_offered_only_when_someone_owns_the_report() -> None:
    for state in ("new", "acknowledged", "in_progress"):
        assert "triage_reassign" not in _actions(replace(REPORT, state=state, owner=None))
        assert "triage_assign_me" in _actions(replace(REPORT, state=state, owner=None))
        assert "triage_reassign" in _actions(replace(REPORT, state=state, owner="UBOB"))

