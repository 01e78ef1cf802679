"""The views and messages of talk first, danger pages, holds, earlier cases, bans, chosen readers, reports on
someone's behalf and triage answers keep within Block Kit's limits in every language cocbot speaks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocbot.bot.bans import texts as ban_texts
from cocbot.bot.earlier import texts as earlier_texts
from cocbot.bot.holds import texts as hold_texts
from cocbot.bot.i18n import LANGUAGES, translator
from cocbot.bot.reports.behalf import texts as behalf_texts
from cocbot.bot.reports.readers import texts as readers_texts
from cocbot.bot.safety import texts as safety_texts
from cocbot.bot.talk import texts as talk_texts
from cocbot.bot.triage import rules as triage
from cocbot.bot.triage.results import phrase
from cocbot.handlers.slack import hold_views, talk_views, triage_views
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.render import render_blocks
from tests.handlers.slack.test_block_kit_limits import NOW, PEOPLE, SETTINGS, TEXT, USER, _ok, _report
from tests.handlers.slack.test_block_kit_limits_languages import _whole
from tests.harness import make_config

LANGUAGE_SETTINGS = settings(SETTINGS, max_examples=6)
REFS = st.from_regex(r"R-[0-9]{4,6}", fullmatch=True)


@pytest.mark.parametrize("lang", LANGUAGES)
@LANGUAGE_SETTINGS
@given(data=st.data())
def test_capability_messages_in_every_language(lang: str, data: st.DataObject) -> None:
    tr = translator(lang)
    ref, text, person = data.draw(REFS), data.draw(TEXT), data.draw(USER)
    report = _report(data)
    config = make_config(safety={"resources": [{"name": data.draw(TEXT)[:80] or "x", "reach": "911"}]})
    ends = data.draw(st.one_of(st.none(), st.just(NOW + timedelta(days=30))))
    cases = [earlier_texts.case_line(f"R-{i:04d}", "closed", "temporary_ban", NOW, tr) for i in range(5)]
    messages = [
        talk_texts.to_helper_opened(tr, 7, data.draw(st.one_of(st.none(), USER)), text),
        talk_texts.to_helper_message(tr, 7, text),
        talk_texts.to_helper_handed_over(tr, 7, person, [("member", text), ("helper", text)]),
        talk_texts.to_member_started(tr, 7, person, data.draw(st.booleans())),
        talk_texts.to_member_message(tr, 7, person, text),
        talk_texts.to_member_suggestion(tr, 7),
        talk_texts.to_member_handover(tr, 7, person, "UOTHER"),
        talk_texts.to_member_unanswered(tr, 7, "4 hours"),
        talk_texts.ended(tr), talk_texts.handed_away(tr), talk_texts.declined(tr), talk_texts.left(tr),
        safety_texts.page(tr, ref=ref, channel="C0GENERAL", deadline=NOW, round_=data.draw(st.integers(0, 3)),
                          facilitator=data.draw(st.booleans()), config=config,
                          resources=safety_texts.resources_for(config)),
        safety_texts.someone_on_it(tr, ref, person), safety_texts.help_is_coming(tr, ref),
        safety_texts.deadline_passed(tr, ref),
        hold_texts.held_confirmation(ref, NOW, tr), hold_texts.released(ref, data.draw(st.booleans()), tr),
        hold_texts.withdrawn(ref, tr), hold_texts.expiry_warning(ref, NOW, tr), hold_texts.expired(ref, tr),
        hold_texts.released_by_match_note(ref, tr),
        earlier_texts.earlier_message(ref, cases, [earlier_texts.ban_line(ref, ends, tr)],
                                      [f"R-{i:04d}" for i in range(5)], tr),
        *(ban_texts.alert(tr, ref, person, "C0GENERAL", event, ends)
          for event in ("joined", "present", "posted", "removed", "not_removed", "not_restricted")),
        ban_texts.ended(tr, ref, ends, data.draw(st.sampled_from([None, "suspend", "silence"])), True),
        ban_texts.removed_notice(tr, "C0GENERAL", ends, data.draw(st.one_of(st.none(), USER))),
        readers_texts.ask(tr, ref, data.draw(st.sampled_from(["silent", "recused"]))),
        behalf_texts.review(tr, report), behalf_texts.receipt(tr, report), behalf_texts.confirmed_note(tr, report),
    ]
    for message in messages:
        _ok(render_blocks(message), "message")


@pytest.mark.parametrize("lang", LANGUAGES)
@LANGUAGE_SETTINGS
@given(data=st.data())
def test_capability_modals_in_every_language(lang: str, data: st.DataObject) -> None:
    tr = translator(lang)
    held = [(data.draw(REFS), NOW + timedelta(days=i)) for i in range(data.draw(st.integers(0, 10)))]
    answers = [
        phrase(True, triage.RULES[triage.Action.DECIDE].by_state[1][1], ref=data.draw(REFS)),
        phrase(False, triage.RECUSED, ref=data.draw(REFS)),
        phrase(False, "Please check the decision.", triage.validate_decision(
            triage.DecisionDraft(triage.Outcome.TEMPORARY_BAN, "x" * 3001, announcement="<@U1> " * 600),
            NOW, people_in_report=data.draw(PEOPLE), max_chars=3000), message_chars=3001, limit=3000,
            announcement_chars=3600, announcement_limit=3000),
    ]
    modals: list[dict[str, Any]] = [
        talk_views.talk_modal(tr, data.draw(st.one_of(st.none(), st.just("C0GENERAL")))),
        talk_views.reply_modal(tr, 7), talk_views.handover_modal(tr, 7), talk_views.someone_else_modal(tr, 7),
        text_modal(talk_texts.outcome_title(tr), talk_texts.no_one_on_duty(tr)),
        text_modal(tr.gettext("Transparency report"), data.draw(TEXT)),
        *(text_modal(tr.gettext("Decision recorded"), a.text(tr)) for a in answers),
    ]
    for view in modals:
        _ok(view, "modal")
        _whole(view)
    for answer in answers:
        for name in answer.errors:
            assert answer.error(name, tr) and "%(" not in answer.error(name, tr)
        assert "%(" not in answer.text(tr)
    _ok({"type": "home", "blocks": [*hold_views.held_home_blocks(held, tr), *talk_views.entry(tr)]}, "home")
    assert triage_views.field_errors(answers[2], tr).keys() == answers[2].errors.keys()
