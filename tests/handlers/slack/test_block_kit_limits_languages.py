"""Every view and message the bot builds keeps within Block Kit's limits in every language cocbot speaks:
translations run longer than English (German and French most), so a view that fits in English may not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocbot.bot.duty import roster as duty
from cocbot.bot.duty import texts as duty_texts
from cocbot.bot.duty.home import CommitteeSummary, DeadlineItem, HomeModel
from cocbot.bot.i18n import LANGUAGES, translator
from cocbot.bot.reminders import texts as reminder_texts
from cocbot.bot.reminders.deadlines import calendar_from_policy
from cocbot.bot.reports import texts
from cocbot.bot.triage import texts as triage_texts
from cocbot.handlers.slack import duty_views, triage_views, views
from cocbot.handlers.slack.render import render_blocks
from cocbot.storage.audit import TrailPage
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord
from tests.handlers.slack.test_block_kit_limits import (
    NOW, PEOPLE, SETTINGS, TEXT, USER, _config, _decision, _entry, _ok, _report,
)
from tests.harness import make_config

LANGUAGE_SETTINGS = settings(SETTINGS, max_examples=6)


def _titles(view: dict[str, Any]) -> list[str]:
    return [view[k]["text"] for k in ("title", "submit", "close") if k in view]


def _whole(view: dict[str, Any]) -> None:
    """A modal's title and buttons are never cut short (24 characters): a translation must fit."""
    assert not [t for t in _titles(view) if t.endswith("…")], _titles(view)


@pytest.mark.parametrize("lang", LANGUAGES)
@LANGUAGE_SETTINGS
@given(data=st.data())
def test_messages_in_every_language(lang: str, data: st.DataObject) -> None:
    tr = translator(lang)
    # With a content warning (at its longest, escaped) the thread's posts fold their text behind it.
    report = _report(data, content_warning=data.draw(st.sampled_from(["", "<&>" * 100])))
    config = make_config(triage={"details_on_demand": data.draw(st.booleans())})
    decision = _decision(data)
    ban = BanRecord(1, 7, 3, NOW, "temporary_ban", data.draw(PEOPLE), data.draw(TEXT), NOW + timedelta(days=9))
    audit = [AuditEntry(i, 7, NOW, data.draw(st.sampled_from(["note", "view", "odd"])), "UBOB",
                        {"summary": data.draw(TEXT)}) for i in range(data.draw(st.integers(0, 60)))]
    assessment = AssessmentRecord(1, 7, NOW, "UBOB", "high", "low", "yes", True, "Harassment", "affected")
    calendar = calendar_from_policy(config.policy)
    messages = [
        texts.committee_report(report, config, NOW, tr=tr),
        texts.reporter_confirmation(report, _config(data), tr),
        texts.reporter_held(report, config, tr),
        texts.committee_addendum(report, data.draw(TEXT), tr=tr),
        triage_texts.note_post(report, _entry(data), config, tr),
        triage_texts.question_post(report, _entry(data, "question"), config, tr),
        triage_texts.answer_post(report, _entry(data, "answer"), _entry(data, "question", 2), config, tr),
        triage_texts.assessment_post(report, assessment, tr),
        triage_texts.decision_post(report, decision, [ban], "affected", config, tr),
        triage_texts.history_post(report, audit, [_entry(data)], config, tr),
        triage_texts.announcement(data.draw(TEXT), tr),
        triage_texts.reporter_acknowledged(report, config, tr),
        triage_texts.reporter_question(report, _entry(data, "question"), tr),
        triage_texts.reporter_decided(report, decision, "affected", config, tr),
        triage_texts.reporter_decided(report, decision, "witness", config, tr),
        triage_texts.reporter_closed(report, tr),
        triage_texts.full_report(report, config, [_entry(data)], assessment, [decision], [(NOW, "x")], tr),
        reminder_texts.ack_reminder("R-0007", NOW, NOW + timedelta(hours=3), NOW, calendar, "https://x.example/p",
                                    event_mode=True, tr=tr),
        reminder_texts.ack_escalation("R-0007", NOW, NOW, NOW + timedelta(days=2), calendar, None, round_=1, tr=tr),
        reminder_texts.respond_reminder("R-0007", NOW, NOW + timedelta(days=1), NOW, calendar, None, to_owner=True,
                                        tr=tr),
        duty_texts.shift_announcement("UALICE", NOW, _config(data), tr=tr),
        duty_texts.call_announcement(data.draw(TEXT)[:200], None, NOW, _config(data), tr=tr),
        duty_texts.assigned("UBOB", frozenset({"C0GENERAL"}), NOW + timedelta(hours=2), NOW + timedelta(hours=4),
                            False, NOW, config, tr),
    ]
    for message in messages:
        _ok(render_blocks(message), "message")


@pytest.mark.parametrize("lang", LANGUAGES)
@LANGUAGE_SETTINGS
@given(data=st.data())
def test_modals_and_the_app_home_in_every_language(lang: str, data: st.DataObject) -> None:
    tr = translator(lang)
    report = _report(data)
    config = _config(data)
    previous = AssessmentRecord(1, 7, NOW, "UBOB", "low", "high", "no", True, "Harassment", "witness")
    modals = [
        views.report_modal(config, channel_id="C0GENERAL", source="message_shortcut", flagged_author="UMALLORY",
                           flagged_text=data.draw(st.one_of(st.none(), TEXT)), flagged_ts="1.2", tr=tr),
        views.confirmation_view(config, ref="R-0007", danger=True, anonymity="anonymous", tr=tr),
        views.add_information_modal("R-0007", tr),
        triage_views.note_modal("R-0007", tr),
        triage_views.ask_modal(report, tr),
        triage_views.reply_modal(_entry(data, "question"), "R-0007", tr),
        triage_views.reassign_modal("R-0007", tr),
        triage_views.recuse_modal("R-0007", tr),
        triage_views.assess_modal(report, config, previous, tr),
        triage_views.decide_modal(report, config, previous, date(2026, 3, 2), tr),
        triage_views.review_announcement_modal(_decision(data), "R-0007", tr),
        triage_views.history_modal("R-0007", TrailPage([], 0, 0), tr),
        # A full page in the middle of a long trail: both buttons, every entry with a long summary.
        triage_views.history_modal("R-0007", TrailPage(
            [AuditEntry(1000 - i, 7, NOW, data.draw(st.sampled_from(["note", "view", "odd"])), "UBOB",
                        {"summary": data.draw(TEXT)}) for i in range(triage_views.HISTORY_PAGE)],
            5000, triage_views.HISTORY_PAGE), tr),
    ]
    for view in modals:
        _ok(view, "modal")
        _whole(view)
    entries: list[Any] = [duty.Shift(i, data.draw(USER), frozenset({"C0GENERAL"}), NOW - timedelta(hours=1),
                                     NOW + timedelta(hours=i + 1)) for i in range(data.draw(st.integers(0, 30)))]
    for summary, blocks in (
            duty_views.status_message(duty.Status("C0GENERAL", entries, entries[0] if entries else None), config, tr),
            duty_views.help_message(config, data.draw(st.one_of(st.none(), TEXT)), tr),
            duty_views.list_message(entries, [], NOW, config, tr)):
        _ok(blocks, "message")
        assert len(summary) <= 3000
    deadlines = tuple(DeadlineItem(f"R-{i:04d}", ("acknowledge", "respond")[i % 2], NOW, i % 3 == 0)
                      for i in range(40))
    home = HomeModel("UALICE", tuple(entries), tuple(entries), tuple(entries),
                     CommitteeSummary(len(deadlines), 3, deadlines))
    _ok(duty_views.home_view(home, config, tr), "home")
