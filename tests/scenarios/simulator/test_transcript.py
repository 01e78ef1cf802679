"""What a person reads: Slack's markup resolved through the cast, buttons and inputs bracketed."""

from __future__ import annotations

from cocbot.scenarios.simulator.cast import Cast
from cocbot.scenarios.simulator.transcript import Observation, render, who_saw_what

CAST = Cast({"alice": "UALICE", "rita": "URITA"}, {"general": "CGENERAL"}, {"UALICE": "alice (committee)"})


def test_render_resolves_mentions_channels_dates_and_links() -> None:
    text = ("<@UALICE> see <#CGENERAL|general> at <!date^1700000000^{time}|10:00>: <https://x.test|the policy> "
            "&amp; *more*")
    assert render(text, CAST) == ["@alice see #general at 10:00: the policy (https://x.test) & *more*"]


def test_render_shows_blocks_as_lines_with_buttons_in_brackets() -> None:
    message = {"blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Report R-0001"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Reported by* <@URITA>"}},
        {"type": "actions", "elements": [{"type": "button", "action_id": "ack",
                                          "text": {"type": "plain_text", "text": "Acknowledge"}}]},
    ]}
    assert render(message, CAST) == ["REPORT R-0001", "Reported by @URITA", "[Acknowledge]"]


def test_who_saw_what_lists_everyone_in_the_cast_even_those_who_saw_nothing() -> None:
    seen = [Observation(2, "UALICE", "channel", "CGENERAL", {"text": "hello <@URITA>"}, "hello")]
    assert who_saw_what(CAST, seen).splitlines() == [
        "who saw what (step · how · first line):",
        "  URITA: nothing",
        "  alice (committee):",
        "     2 · channel #general · hello @URITA",
    ]
