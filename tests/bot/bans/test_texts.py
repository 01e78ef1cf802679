"""Where a ban applies, as the decision post and the decision's confirmation say it, in any language."""

from __future__ import annotations

from cocbot.bot.bans import texts
from cocbot.bot.i18n import english, translator
from cocbot.bot.i18n.phrases import said
from cocbot.bot.messages import Channel, Text
from cocbot.storage.bans import Places

EVERYWHERE = Places(("C1", "C2"), True, (5, 7), True)
TEMPLATE = "The ban applies in: %(places)s."


def test_the_confirmation_lists_every_place() -> None:
    assert said(english(), TEMPLATE, {"places": texts.confirmed_places(EVERYWHERE)}) == (
        "The ban applies in: the chosen Slack channels, the whole Slack workspace, forum categories 5, 7, "
        "the whole forum.")
    assert texts.confirmed_places(Places()) == []
    # Each place is translated where it is shown (the reader's language).
    french = said(translator("fr"), TEMPLATE, {"places": texts.confirmed_places(Places(("C1",), True))})
    assert "tout l’espace de travail Slack" in french and "the whole" not in french


def test_the_decision_post_blocks_name_each_place() -> None:
    blocks = texts.places(english(), EVERYWHERE)
    assert [b.channel_id for b in blocks if isinstance(b, Channel)] == ["C1", "C2"]
    assert [b.text for b in blocks if isinstance(b, Text)] == [
        "Ban applies in: the whole Slack workspace", "Ban applies in forum categories: 5, 7",
        "Ban applies in: the whole forum"]
    assert texts.places(english(), Places()) == ()
