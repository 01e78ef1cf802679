"""The emergency contacts and danger pages keep within Slack's Block Kit limits, however many contacts a
community lists and whatever their text; and each surface shows the contacts that apply there."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, strategies as st

from cocbot.bot.duty import roster as duty
from cocbot.bot.duty import texts as duty_texts
from cocbot.bot.i18n import english
from cocbot.bot.safety import texts as safety_texts
from cocbot.handlers.slack import duty_views, views
from cocbot.handlers.slack.render import render_blocks
from tests.handlers.slack.block_kit_limits import problems
from tests.handlers.slack.test_block_kit_limits import SETTINGS, TEXT
from tests.harness import make_config

NOW = datetime(2026, 3, 7, 3, 0, tzinfo=timezone.utc)
UNITS = st.sampled_from(["&", "<", ">", "@here", "<!channel>", "*", "x" * 40, "é", "\n", "{u:UABC1}"])
PIECE = st.lists(UNITS, min_size=1, max_size=30).map("".join)


def _ok(payload: Any, surface: str) -> None:
    found = problems(payload, surface)
    assert not found, "\n".join(found[:10])


def _config(data: st.DataObject) -> Any:
    n = data.draw(st.integers(0, 40))
    resources = [{"name": f"{i} " + data.draw(PIECE)[:70], "reach": data.draw(PIECE)[:300] or "x",
                  **data.draw(st.sampled_from([{}, {"channels": ["C0GENERAL"]}, {"calls": ["Weekly call"]}]))}
                 for i in range(n)]
    return make_config(safety={"resources": resources}, community={"name": data.draw(TEXT) or "x"})


@SETTINGS
@given(st.data())
def test_every_surface_with_contacts_fits(data: st.DataObject) -> None:
    config = _config(data)
    tr = english()
    _ok(views.report_modal(config, channel_id="C0GENERAL", source="command"), "modal")
    _ok(views.confirmation_view(config, ref="R-0007", danger=True, anonymity="named", channel="C0GENERAL"), "modal")
    resources = safety_texts.resources_for(config, channels=("C0GENERAL",))
    for round_ in (0, 3):
        for facilitator in (True, False):
            _ok(render_blocks(safety_texts.page(tr, ref="R-0007", channel="C0GENERAL", deadline=NOW, round_=round_,
                                                facilitator=facilitator, config=config, resources=resources)),
                "message")
    _ok(render_blocks(safety_texts.deadline_passed(tr, "R-0007")), "message")
    _ok(render_blocks(safety_texts.someone_on_it(tr, "R-0007", "UBOB")), "message")
    _ok(render_blocks(duty_texts.shift_reminder(frozenset({"C0GENERAL", "C0B"}), NOW, NOW + timedelta(hours=2),
                                                config)), "message")
    _ok(render_blocks(duty_texts.call_reminder("Weekly call", "C0GENERAL", NOW, config)), "message")
    calls = [duty.Occurrence(i, i, "Weekly call", "C0GENERAL", NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=1),
                             None) for i in range(data.draw(st.integers(0, 30)))]
    _, blocks = duty_views.status_message(duty.Status("C0GENERAL", list(calls), None), config)
    _ok(blocks, "message")


def test_each_surface_shows_the_contacts_for_where_it_is() -> None:
    config = make_config(safety={"resources": [
        {"name": "Emergency", "reach": "112"},
        {"name": "Venue security", "reach": "desk at the entrance", "calls": ["Weekly call"]},
        {"name": "Office", "reach": "+1 555", "channels": ["C0GENERAL"]}]})
    modal = str(views.report_modal(config, channel_id="C0GENERAL", source="command"))
    assert "112" in modal and "+1 555" in modal and "Venue security" not in modal
    elsewhere = str(views.report_modal(config, channel_id="C0OTHER", source="command"))
    assert "112" in elsewhere and "+1 555" not in elsewhere
    calm = str(views.confirmation_view(config, ref="R-1", danger=False, anonymity="named"))
    assert "112" not in calm
    urgent = str(views.confirmation_view(config, ref="R-1", danger=True, anonymity="named", channel="C0GENERAL"))
    assert "112" in urgent and "+1 555" in urgent and "being paged now" in urgent
    reminder = str(render_blocks(duty_texts.call_reminder("Weekly call", "C0OTHER", NOW, config)))
    assert "Venue security" in reminder and "112" in reminder and "Checklist" in reminder
    assert "/report" in reminder and "in person or on a call" in reminder
    occ = duty.Occurrence(1, 1, "Weekly call", "C0OTHER", NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=1),
                          "UALICE")
    _, blocks = duty_views.status_message(duty.Status("C0OTHER", [occ], None), config)
    assert "Venue security" in str(blocks) and "+1 555" not in str(blocks)
    # No contacts configured: nothing about them anywhere.
    plain = make_config()
    assert "immediate danger, get help" not in str(views.report_modal(plain, channel_id="C0GENERAL", source="command"))


@SETTINGS
@given(st.data())
def test_the_messages_about_chosen_readers_on_behalf_reports_and_warnings_fit(data: st.DataObject) -> None:
    from dataclasses import replace

    from cocbot.bot.duty.guide import guide_message
    from cocbot.bot.reports.behalf import texts as behalf_texts
    from cocbot.bot.reports.readers import texts as readers_texts
    from cocbot.bot.reports import texts as report_texts
    from cocbot.handlers.slack import triage_views
    from tests.handlers.slack.test_block_kit_limits import _report

    tr = english()
    report = replace(_report(data), filed_by="UFACIL", on_behalf_other=data.draw(TEXT)[:500],
                     behalf_confirmed=data.draw(st.booleans()), content_warning=data.draw(TEXT)[:300],
                     readers=("UALICE",))
    config = make_config(duty={"guide": {"text": data.draw(TEXT)[:2000] or "x", "link": "https://example.org/g"}})
    for message in (behalf_texts.review(tr, report), behalf_texts.receipt(tr, report),
                    behalf_texts.confirmed_note(tr, report), readers_texts.ask(tr, report.ref, "held"),
                    readers_texts.ask(tr, report.ref, "silent"), report_texts.committee_report(report, config, NOW),
                    report_texts.committee_report(report, config, NOW, full=True),
                    duty_texts.shift_announcement("UFAC1", NOW, config, also=("UFAC2", "UFAC3")),
                    guide_message(tr, config)):
        assert message is not None
        _ok(render_blocks(message), "message")
    _ok(triage_views.assess_modal(report, config, None), "modal")
