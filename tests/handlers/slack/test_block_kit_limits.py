"""Every message and view the bot builds keeps within Slack's Block Kit limits, whatever people typed.

Slack refuses a whole message or modal over one broken limit, so a long report would otherwise reach nobody
(or a modal would not open and its user would be told nothing). The text strategies aim at what breaks
limits: long text, thousands of lines, `&<>` that grow when escaped, mentions and link syntax.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cocbot.bot.duty import roster as duty
from cocbot.bot.reports import texts
from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.duty.home import CommitteeSummary, DeadlineItem, HomeModel
from cocbot.bot.messages import Button, Buttons, Channel, Facts, Heading, Link, Message, Note, People, Text
from cocbot.bot.triage.rules import State
from cocbot.handlers.slack import duty_views, triage_views, views
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.render import render_blocks
from cocbot.storage.reports import ReportRecord
from cocbot.storage.triage import AssessmentRecord, AuditEntry, BanRecord, DecisionRecord, Entry
from tests.handlers.slack.block_kit_limits import problems
from tests.harness import make_config

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
UNITS = ["&", "<", ">", "&amp;", "&lt;", "@here ", "@channel", "<@U0123ABC>", "<!channel>", "<!date^1^x|y>",
         "<https://evil.example|click>", "\n", "\n\n", " ", "word", "é", "😀", "*", "_", "`", "> ", "{u:UABC1}",
         "{c:C0GENERAL}", "{t:2026-03-02T10:00:00+00:00}", "x" * 200]


def _repeat(units: list[str], times: int) -> str:
    return ("".join(units) * times)[:45000]


# Short arbitrary text, and long text built from the units that stress escaping and cutting.
TEXT = st.one_of(
    st.text(max_size=300),
    st.builds(_repeat, st.lists(st.sampled_from(UNITS), min_size=1, max_size=4), st.integers(1, 12000)),
)
USER = st.sampled_from(["UALICE", "UMALLORY", "W0123ABC", "not-an-id", "<!channel>"])
PEOPLE = st.lists(USER, max_size=8).map(tuple) | st.integers(0, 400).map(lambda n: tuple(f"U{i:06d}" for i in range(n)))
# Derandomized, so every run tries the same inputs; no shrinking (it crawls through 45,000-character texts,
# and the failing example is printed all the same).
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _ok(payload: Any, surface: str) -> None:
    found = problems(payload, surface)
    assert not found, "\n".join(found[:10])


def _report(data: st.DataObject, **over: Any) -> ReportRecord:
    values: dict[str, Any] = dict(
        id=7, ref="R-0007", platform="slack", source="message_shortcut", created_at=NOW,
        anonymity=data.draw(st.sampled_from(["named", "confidential", "anonymous"])), reporter="UREPORTER",
        description=data.draw(TEXT), when=data.draw(TEXT), where_channel="C0GENERAL", where_text=data.draw(TEXT),
        implicated=data.draw(PEOPLE), implicated_other=data.draw(TEXT), witnesses=data.draw(PEOPLE),
        excluded=data.draw(PEOPLE), ongoing="yes", danger=data.draw(st.booleans()), flagged_channel="C0GENERAL",
        flagged_ts="1700000000.000100", flagged_author="UMALLORY",
        flagged_permalink=data.draw(st.sampled_from([None, "https://fake.slack.com/archives/C0GENERAL/p1",
                                                     "javascript:" + "x" * 4000])),
        snapshot=data.draw(TEXT), state=data.draw(st.sampled_from([s.value for s in State])),
        delivery_state="delivered", space_kind=data.draw(st.sampled_from(["committee_channel", "private_space",
                                                                          "escalation"])),
        space_channel="C0COMMITTEE", space_invited=True, message_ts="1700000000.000200",
        owner=data.draw(st.sampled_from([None, "UBOB"])), category=data.draw(st.sampled_from([None, "Harassment"])))
    values.update(over)
    return ReportRecord(**values)


def _entry(data: st.DataObject, kind: str = "note", i: int = 1) -> Entry:
    return Entry(i, 7, NOW, kind, "UBOB", None, data.draw(TEXT))


def _decision(data: st.DataObject) -> DecisionRecord:
    outcome = data.draw(st.sampled_from(["no_action", "public_reprimand", "temporary_ban"]))
    return DecisionRecord(3, 7, NOW, "UBOB", outcome,
                          data.draw(TEXT), data.draw(st.one_of(st.none(), TEXT)), "C0GENERAL",
                          data.draw(st.sampled_from(["none", "pending", "approved"])), None, None)


def _config(data: st.DataObject, **over: Any) -> Any:
    return make_config(community={"name": data.draw(TEXT) or "x",
                                  "code_of_conduct_url": "https://example.org/coc"},
                       triage={"contact": data.draw(TEXT) or "x", **over})


@SETTINGS
@given(st.data())
def test_the_committee_message_keeps_its_buttons_people_and_notices(data: st.DataObject) -> None:
    report = _report(data)
    config = make_config(triage={"details_on_demand": data.draw(st.booleans())})
    message = texts.committee_report(report, config, NOW)
    blocks = render_blocks(message)
    _ok(blocks, "message")
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert "triage_history" in ids and len(ids) == len(set(ids))
    shown = str(blocks)
    if not config.triage.details_on_demand:
        assert "Reporter" in shown
        if report.excluded:
            assert "Excluded by the reporter" in shown
        if "Shortened to fit" in shown:
            assert "triage_view" in ids
    # The "View report" modal: the whole report, as far as a view can hold it.
    full = triage_texts.full_report(report, config, [_entry(data, "note"), _entry(data, "answer", 2)],
                                    AssessmentRecord(1, 7, NOW, "UBOB", "high", "low", "yes", False, "Harassment",
                                                     "affected"),
                                    [_decision(data)], [(NOW, data.draw(TEXT))])
    _ok(triage_views.message_modal("Report R-0007", full, note="This view is recorded."), "modal")


@SETTINGS
@given(st.data())
def test_thread_posts_and_direct_messages(data: st.DataObject) -> None:
    report = _report(data)
    config = make_config(triage={"details_on_demand": data.draw(st.booleans())})
    decision = _decision(data)
    ban = BanRecord(1, 7, 3, NOW, "temporary_ban", data.draw(PEOPLE), data.draw(TEXT), None)
    audit = [AuditEntry(i, 7, NOW, data.draw(st.sampled_from(["note", "view", "odd"])), "UBOB",
                        {"summary": data.draw(TEXT)}) for i in range(data.draw(st.integers(0, 60)))]
    notes = [_entry(data, "note", i) for i in range(data.draw(st.integers(0, 4)))]
    messages = [
        triage_texts.note_post(report, _entry(data), config),
        triage_texts.question_post(report, _entry(data, "question"), config),
        triage_texts.answer_post(report, _entry(data, "answer"), _entry(data, "question", 2), config),
        triage_texts.decision_post(report, decision, [ban], "affected", config),
        triage_texts.history_post(report, audit, notes, config),
        triage_texts.announcement(data.draw(TEXT)),
        triage_texts.reporter_question(report, _entry(data, "question")),
        triage_texts.reporter_decided(report, decision, "witness", config),
        texts.committee_addendum(report, data.draw(TEXT)),
        texts.reporter_confirmation(report, _config(data)),
        Message(data.draw(TEXT), (Heading(data.draw(TEXT)), Text(data.draw(TEXT), bold=True),
                                  Facts(tuple((data.draw(TEXT), data.draw(TEXT)) for _ in range(12))),
                                  Link(data.draw(TEXT), "https://example.org/" + "a" * data.draw(st.integers(0, 4000))),
                                  Channel(data.draw(TEXT), "C0GENERAL"), Note(data.draw(TEXT)),
                                  People(data.draw(TEXT), data.draw(PEOPLE)),
                                  Buttons(tuple(Button(f"b{i}", data.draw(TEXT), "v") for i in range(30)))),
                more=Button("triage_view", "View the whole report", "R-0007")),
    ]
    for message in messages:
        _ok(render_blocks(message), "message")
    _ok(triage_views.message_modal("History", Message("h", tuple(triage_texts.history_blocks(audit)))), "modal")


@SETTINGS
@given(st.data())
def test_modals(data: st.DataObject) -> None:
    report = _report(data)
    config = _config(data)
    flagged = data.draw(st.one_of(st.none(), TEXT))
    _ok(views.report_modal(config, channel_id="C0GENERAL", source="message_shortcut", flagged_author="UMALLORY",
                           flagged_text=flagged, flagged_ts="1700000000.000100"), "modal")
    _ok(views.confirmation_view(config, ref="R-0007", danger=True, anonymity="anonymous"), "modal")
    _ok(views.add_information_modal("R-0007"), "modal")
    _ok(text_modal(data.draw(TEXT), data.draw(TEXT)), "modal")
    _ok(triage_views.note_modal("R-0007"), "modal")
    _ok(triage_views.ask_modal(report), "modal")
    _ok(triage_views.reply_modal(_entry(data, "question"), "R-0007"), "modal")
    _ok(triage_views.reassign_modal("R-0007"), "modal")
    _ok(triage_views.recuse_modal("R-0007"), "modal")
    previous = AssessmentRecord(1, 7, NOW, "UBOB", "low", "high", "no", True, "Harassment", "witness")
    _ok(triage_views.assess_modal(report, config, previous), "modal")
    _ok(triage_views.decide_modal(report, config, previous, date(2026, 3, 2)), "modal")
    _ok(triage_views.review_announcement_modal(_decision(data), "R-0007"), "modal")


@SETTINGS
@given(st.data())
def test_onduty_replies_and_the_app_home(data: st.DataObject) -> None:
    config = _config(data)
    n = data.draw(st.integers(0, 60))
    shifts = [duty.Shift(i, data.draw(USER), frozenset(data.draw(st.lists(st.sampled_from(["C0GENERAL", "C0B"])))),
                         NOW - timedelta(hours=1), NOW + timedelta(hours=i + 1)) for i in range(n)]
    calls = [duty.Occurrence(i, i, data.draw(TEXT)[:200], "C0GENERAL", NOW, NOW - timedelta(hours=1),
                             NOW + timedelta(hours=2), data.draw(st.one_of(st.none(), USER)))
             for i in range(data.draw(st.integers(0, 30)))]
    entries: list[Any] = [*shifts, *calls]
    for summary_and_blocks in (
            duty_views.status_message(duty.Status("C0GENERAL", entries, entries[0] if entries else None), config),
            duty_views.reply_message(data.draw(TEXT), config, ok=data.draw(st.booleans())),
            duty_views.help_message(config, data.draw(st.one_of(st.none(), TEXT))),
            duty_views.list_message(shifts, calls, NOW, config)):
        summary, blocks = summary_and_blocks
        _ok(blocks, "message")
        assert len(summary) <= 3000
    deadlines = tuple(DeadlineItem(f"R-{i:04d}", "acknowledge", NOW, i % 2 == 0) for i in range(40))
    home = HomeModel("UALICE", tuple(entries), tuple(entries), tuple(entries),
                     CommitteeSummary(len(deadlines), 3, deadlines))
    _ok(duty_views.home_view(home, config), "home")


def test_a_flagged_message_of_1500_ampersands_fits_the_report_modal() -> None:
    view = views.report_modal(make_config(), channel_id="C0GENERAL", source="message_shortcut",
                              flagged_author="UMALLORY", flagged_text="&" * 1500, flagged_ts="1.2")
    _ok(view, "modal")
    preview = view["blocks"][1]["elements"][0]["text"]
    assert "&amp;" in preview and html.unescape(preview).count("&") >= 500


def test_a_cut_never_splits_an_escape_or_a_mention_nor_makes_a_broadcast() -> None:
    from cocbot.handlers.slack.blocks import clip, escape

    for unit in ("@heres", "&", "<@U0123ABC>", "@channel!", "<!date^1^{time}|10:00>"):
        for filler in range(0, 40):
            rendered = escape("x" * filler) + (unit * 60 if unit.startswith("<") else escape(unit * 60))
            for limit in (20, 57, 100):
                cut = clip(rendered, limit)
                assert len(cut) <= limit
                _ok([{"type": "section", "text": {"type": "mrkdwn", "text": cut}}], "message")
