"""A very long flagged message or account, end to end: the modal opens, the committee's message keeps its
buttons, people and notices, and "View the whole report" shows all of it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.handlers.slack.block_kit_limits import problems
from tests.harness import GENERAL, Harness

WORDS = 7700  # "word NNNN " × 7,700 plus 1,500 `&` ≈ 40,000 characters, Slack's longest message
LONG = "&" * 1500 + " " + " ".join(f"w{i:04d}" for i in range(WORDS))
LINES = "\n".join(f"l{i}" for i in range(20000))  # 20,000 short lines, each quoted once shown


def _posts_about(bot: Harness, ref: str) -> list[dict[str, Any]]:
    return [m for ch in bot.fake.channels.values() for m in ch.messages
            if ref in str(m["blocks"]) and not ch.id.startswith("D")]


def _sent_view(bot: Harness) -> dict[str, Any]:
    """The last view cocbot asked Slack to open, as sent (the fake's copy has Slack's own fields added)."""
    view = bot.fake.calls_to("views.open")[-1].params["view"]
    assert isinstance(view, dict)
    return view


def _shown(blocks: list[dict[str, Any]]) -> str:
    texts = [b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b]
    return html.unescape("\n".join(texts))


@pytest.mark.parametrize("flagged", [LONG, LINES], ids=["40000-characters", "20000-lines"])
async def test_a_huge_flagged_message_keeps_the_buttons_and_can_be_read_in_full(bot: Harness, flagged: str) -> None:
    await bot.message_shortcut("UWITNESS", GENERAL, author="UMALLORY", text=flagged)
    modal = _sent_view(bot)
    assert not problems(modal, "modal"), problems(modal, "modal")
    resp = await bot.submit_view("UWITNESS", {"description": "See the flagged message", "exclude": ["UCAROL"]})
    assert resp.json()["response_action"] == "update"
    ref = re.search(r"R-\d{4}", str(resp.json()["view"])).group(0)  # type: ignore[union-attr]
    await bot.drain()
    [post] = _posts_about(bot, ref)
    blocks = post["blocks"]
    assert not problems(blocks, "message"), problems(blocks, "message")
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {"triage_acknowledge", "triage_assign_me", "triage_history", "triage_view"} <= set(actions)
    shown = str(blocks)
    assert "Reporter (confidential" in shown and "Excluded by the reporter" in shown and "<@UCAROL>" in shown
    assert "View the whole report" in shown and "Shortened to fit" in shown
    assert "See the flagged message" in shown  # the account itself comes before the flagged message
    # A committee member reads it all in the "View report" modal.
    channel = next(ch.id for ch in bot.fake.channels.values() if post in ch.messages)
    await bot.click("UALICE", "triage_view", ref, channel=channel, message_ts=post["ts"], expect_view=True)
    view = _sent_view(bot)
    assert "Report " in view["title"]["text"] and not problems(view, "modal"), problems(view, "modal")
    text = _shown(view["blocks"])
    if flagged is LONG:
        assert text.count("&") >= 1500 and all(f"w{i:04d}" in text for i in range(0, WORDS, 97))
        assert f"w{WORDS - 1:04d}" in text
    else:
        assert "> l0\n" in text and "> l19999" in text
