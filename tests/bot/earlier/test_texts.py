"""What the committee reads about earlier cases: references, state, outcome and month only."""

from __future__ import annotations

from datetime import datetime, timezone

from cocbot.bot.earlier import texts
from cocbot.bot.i18n import english
from cocbot.bot.messages import Buttons, Text


def test_the_listing_line_names_reference_state_outcome_and_month() -> None:
    tr = english()
    march = datetime(2026, 3, 14, tzinfo=timezone.utc)
    assert texts.case_line("R-0012", "closed", "private_reprimand", march, tr) == \
        "R-0012 (closed, private reprimand, Mar 2026)"
    assert texts.case_line("R-0020", "new", None, march, tr) == "R-0020 (new, Mar 2026)"
    ban = texts.ban_line("R-0012", datetime(2027, 1, 31, tzinfo=timezone.utc), tr)
    assert ban == "ban in force until 31 Jan 2027 (R-0012)"
    message = texts.earlier_message("R-0042", ["R-0012 (closed, Mar 2026)"], [ban], ["R-0012"], tr)
    assert message.carries_report_content
    first = message.blocks[0]
    assert isinstance(first, Text) and first.text == "Earlier: R-0012 (closed, Mar 2026); " + ban
    buttons = message.blocks[-1]
    assert isinstance(buttons, Buttons) and buttons.buttons[0].action_id == "earlier_view:R-0012"
    assert buttons.buttons[0].value == "R-0042:R-0012"
