"""A talk-first button that acts (End) is acknowledged before it is stored and acts once."""

from __future__ import annotations

import pytest

from tests.handlers.slack.test_talk import CALLS, button_value, dm_texts, take_shift, talk_bot  # noqa: F401
from tests.harness import Harness


async def test_ending_is_acknowledged_at_once_and_happens_once(talk_bot: Harness,  # noqa: F811
                                                               caplog: pytest.LogCaptureFixture) -> None:
    bot = talk_bot
    await take_shift(bot)
    await bot.slash("UREPORTER", CALLS, "/talk", expect_view=True)
    await bot.submit_view("UREPORTER", {"text": "Can we talk?", "anonymity": "named"})
    await bot.drain()
    before = len(dm_texts(bot, "UFAC1"))
    value = button_value(bot, "UREPORTER", "talk_end")
    with bot.storing_slowly():
        answers = [await bot.click("UREPORTER", "talk_end", value, channel="DUREPORTER") for _ in range(2)]
    assert [(a.status, a.text) for a in answers] == [(200, ""), (200, "")]
    assert not [r for r in caplog.records if "ack()" in r.getMessage()]
    await bot.drain()
    assert len(dm_texts(bot, "UFAC1")) - before <= 1
