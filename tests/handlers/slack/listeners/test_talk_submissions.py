"""Talk-first forms stored after Slack was answered "being saved": the conversation starts once and a relayed
message is sent once."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.handlers.slack.test_talk import CALLS, button_value, dm_texts, take_shift, talk_bot  # noqa: F401
from tests.harness import Harness


async def test_slow_talk_forms_are_confirmed_after_being_saved_and_sent_once(talk_bot: Harness) -> None:  # noqa: F811
    bot = talk_bot
    await take_shift(bot)
    await bot.slash("UREPORTER", CALLS, "/talk", expect_view=True)
    with bot.storing_slowly():
        resp = await bot.submit_view("UREPORTER", {"text": "Slowly: can we talk?", "anonymity": "anonymous"})
    assert resp.status == 200 and resp.saving and "conversation has started" in flatten(resp.json()["view"])
    await bot.drain()
    assert sum("Slowly: can we talk?" in t for t in dm_texts(bot, "UFAC1")) == 1
    await bot.click("UFAC1", "talk_reply", button_value(bot, "UFAC1", "talk_reply"), channel="DUFAC1",
                    expect_view=True)
    with bot.storing_slowly():
        resp = await bot.submit_view("UFAC1", {"text": "Of course, slowly too."})
    assert resp.status == 200 and resp.saving, resp
    await bot.drain()
    assert sum("Of course, slowly too." in t for t in dm_texts(bot, "UREPORTER")) == 1
