"""User text can never ping or smuggle a link; Slack's limits are respected."""

from __future__ import annotations

import pytest

from cocbot.bot.messages import Link, Message, People, UserText
from cocbot.handlers.slack.blocks import escape
from cocbot.handlers.slack.render import render_blocks


@pytest.mark.parametrize(
    "raw, forbidden",
    [
        ("<!channel> look", "<!channel>"),
        ("<!here>", "<!here>"),
        ("<!everyone>", "<!everyone>"),
        ("<@U0123> you", "<@U0123>"),
        ("<#C0123>", "<#C0123>"),
        ("<https://evil.example|click me>", "<https://evil.example"),
        ("<!subteam^S123>", "<!subteam"),
        ("@here please", "@here"),
        ("@channel now", "@channel"),
    ],
)
def test_escape_neutralises_mentions_and_links(raw: str, forbidden: str) -> None:
    assert forbidden not in escape(raw)


def test_escape_keeps_the_words_readable() -> None:
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_long_user_text_is_split_into_sections_within_slacks_limit() -> None:
    text = "<&>" * 2000  # 6000 characters that grow to 26,000 when escaped
    blocks = render_blocks(Message("s", (UserText("What happened", text),)))
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    joined = "".join(b["text"]["text"] for b in blocks)
    assert joined.count("&lt;") == 2000


def test_people_render_only_real_ids_as_mentions() -> None:
    blocks = render_blocks(Message("s", (People("Involved", ("UABC123", "<!channel>")),)))
    text = blocks[0]["text"]["text"]
    assert "<@UABC123>" in text and "<!channel>" not in text


def test_links_must_be_plain_https() -> None:
    blocks = render_blocks(Message("s", (Link("Flagged", "javascript:alert(1)|x"),)))
    assert "<javascript" not in blocks[0]["text"]["text"]


def test_a_person_and_a_local_time() -> None:
    from datetime import datetime, timezone

    from cocbot.bot.messages import LocalTime, Person

    at = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)
    blocks = render_blocks(Message("s", (Person("On duty", "UFAC1"), LocalTime("Until", at),
                                         Person("<!channel>", "<!here>"))))
    texts = [b["text"]["text"] for b in blocks]
    assert texts[0] == "*On duty*\n<@UFAC1>"
    assert texts[1] == f"*Until*\n<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|2026-03-02 11:00 UTC>"
    # Not an id: shown as text, never a mention or a broadcast.
    assert "<!" not in texts[2] and "&lt;!here&gt;" in texts[2]
