"""Talk first on Slack, end to end against the fake Slack: /talk, the relay both ways, anonymity, a report
made from the conversation, a handover with consent, the unanswered notice and the bypass path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage import talk as talk_q
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, MEMBERS, Harness, make_config

CALLS = "CCALLS"
FACILITATORS = ("UFAC1", "UFAC2")


@pytest.fixture
async def talk_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    for user in FACILITATORS:
        slack.add_user(user)
    slack.add_channel(CALLS, {*FACILITATORS, "UREPORTER", "UOTHER", slack.bot_user_id}, name="community-calls",
                      private=False)
    harness = Harness(slack, make_config(duty={"facilitators": list(FACILITATORS)}), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


def dm_texts(bot: Harness, user: str) -> list[str]:
    return [flatten({"t": m["text"], "b": m["blocks"]}) for m in bot.fake.dms_to(user)]


def button_value(bot: Harness, user: str, action_id: str) -> str:
    for m in reversed(bot.fake.dms_to(user)):
        for block in m.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == action_id:
                    return str(element["value"])
    raise AssertionError(f"no {action_id} button in {user}'s direct messages")


async def take_shift(bot: Harness, user: str = "UFAC1") -> None:
    await bot.slash(user, CALLS, "/onduty", "take 8h", expect_view=False)
    await bot.until(lambda: any(r["user"] == user for r in bot.fake.responses))
    await bot.drain()


async def start_talk(bot: Harness, values: dict[str, Any], user: str = "UREPORTER") -> dict[str, Any]:
    await bot.slash(user, CALLS, "/talk", expect_view=True)
    resp = await bot.submit_view(user, values)
    assert resp.status == 200, resp
    await bot.drain()
    return resp.json()


async def press(bot: Harness, user: str, action_id: str, *, values: dict[str, Any] | None = None) -> dict[str, Any]:
    value = button_value(bot, user, action_id)
    await bot.click(user, action_id, value, channel=f"D{user}", expect_view=values is not None)
    body: dict[str, Any] = {}
    if values is not None:
        resp = await bot.submit_view(user, values)
        assert resp.status == 200, resp
        body = resp.json()
    await bot.drain()
    return body


def committee_saw_nothing(bot: Harness) -> None:
    assert not bot.fake.messages_in(COMMITTEE_CHANNEL)
    for member in MEMBERS:
        assert not bot.fake.dms_to(member)
    assert not bot.fake.calls_to("conversations.create")


async def test_anonymous_talk_relays_both_ways_without_either_id(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    body = await start_talk(bot, {"text": "Someone keeps sending me DMs after the call.", "anonymity": "anonymous"})
    assert body["response_action"] == "update" and "conversation has started" in flatten(body["view"])

    [opened] = dm_texts(bot, "UFAC1")
    assert "Someone keeps sending me DMs after the call." in opened and "UREPORTER" not in opened
    [started] = dm_texts(bot, "UREPORTER")
    assert "<@UFAC1>" in started and "Make this a report" in started

    await press(bot, "UFAC1", "talk_reply", values={"text": "I am sorry. Is it <@UOTHER> & friends?"})
    answer = dm_texts(bot, "UREPORTER")[-1]
    assert "I am sorry." in answer and "&amp; friends" in answer and "<@UOTHER>" not in answer

    await press(bot, "UREPORTER", "talk_reply", values={"text": "Yes, since March."})
    relayed = dm_texts(bot, "UFAC1")[-1]
    assert "Yes, since March." in relayed and "UREPORTER" not in relayed
    # The facilitator's side never shows the member's id, the member's never what the member did not choose.
    assert not any("UREPORTER" in text for text in dm_texts(bot, "UFAC1"))
    assert bot.fake.who_saw("Yes, since March.") <= {"UFAC1", "UREPORTER"}
    committee_saw_nothing(bot)


async def test_named_talk_shows_the_member(talk_bot: Harness) -> None:
    await take_shift(talk_bot)
    await start_talk(talk_bot, {"text": "Can I ask something?", "anonymity": "named"})
    assert "<@UREPORTER>" in dm_texts(talk_bot, "UFAC1")[0]


async def test_the_member_makes_it_a_report_the_facilitator_only_suggests(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "He mocked my accent in the weekly call.", "anonymity": "anonymous"})
    await press(bot, "UFAC1", "talk_suggest_report")
    committee_saw_nothing(bot)  # a suggestion files nothing
    suggestion = dm_texts(bot, "UREPORTER")[-1]
    assert "suggests making this a report" in suggestion

    await press(bot, "UREPORTER", "talk_make_report", values=None)
    await bot.until(lambda: (bot.fake.open_view_for("UREPORTER") or {}).get("callback_id") == "report_modal")
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    description = next(b for b in view["blocks"] if b.get("block_id") == "description")
    assert "He mocked my accent in the weekly call." in description["element"]["initial_value"]
    resp = await bot.submit_view("UREPORTER", {"description": "He mocked my accent, twice.",
                                               "anonymity": "anonymous"}, view)
    ref = await bot.submitted_reference(resp, view["id"])
    await bot.drain()
    assert any(ref in flatten(m) for m in bot.fake.messages_in(COMMITTEE_CHANNEL))
    async with bot.runtime.db.transaction() as session:
        conversation = await talk_q.get(session, int(button_value(bot, "UFAC1", "talk_reply")))
        assert conversation is not None and conversation.report_ref == ref
        # A report is kept with its conversation; the rest are purged after retention.consultations.
        assert await talk_q.purge_consultations(session, bot.clock.now().replace(year=2100)) == 0


async def test_handover_needs_the_members_consent(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "I need advice.", "anonymity": "anonymous"})
    body = await press(bot, "UFAC1", "talk_handover", values={"colleague": "UFAC2"})
    assert body["response_action"] == "update"
    assert not bot.fake.dms_to("UFAC2")  # nothing reaches the colleague before the member agrees
    assert "would like to hand your conversation over to" in dm_texts(bot, "UREPORTER")[-1]

    await press(bot, "UREPORTER", "talk_handover_agree")
    [handed] = dm_texts(bot, "UFAC2")
    assert "I need advice." in handed and "UREPORTER" not in handed
    await press(bot, "UREPORTER", "talk_reply", values={"text": "Thanks for taking this."})
    assert "Thanks for taking this." in dm_texts(bot, "UFAC2")[-1]
    assert not any("Thanks for taking this." in t for t in dm_texts(bot, "UFAC1"))
    committee_saw_nothing(bot)


async def test_handover_refuses_someone_the_member_excluded(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "About UFAC2.", "exclude": ["UFAC2"]})
    body = await press(bot, "UFAC1", "talk_handover", values={"colleague": "UFAC2"})
    assert body["response_action"] == "errors" and "colleague" in body["errors"]
    assert not bot.fake.dms_to("UFAC2")


async def test_unanswered_the_member_is_told_and_chooses_someone_else(talk_bot: Harness, clock: ManualClock) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "Is this worth reporting?", "anonymity": "anonymous"})
    clock.advance(hours=1, minutes=59)
    await bot.drain()
    assert not any("Nobody has answered" in t for t in dm_texts(bot, "UREPORTER"))
    clock.advance(minutes=2)
    await bot.drain()
    assert sum("Nobody has answered" in t for t in dm_texts(bot, "UREPORTER")) == 1

    await press(bot, "UREPORTER", "talk_someone_else", values={"pick": "UALICE"})
    [handed] = dm_texts(bot, "UALICE")
    assert "Is this worth reporting?" in handed and "UREPORTER" not in handed
    assert "The member chose to talk to someone else" in dm_texts(bot, "UFAC1")[-1]
    assert not bot.fake.messages_in(COMMITTEE_CHANNEL)


async def test_answered_in_time_no_notice(talk_bot: Harness, clock: ManualClock) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "Hello?"})
    await press(bot, "UFAC1", "talk_reply", values={"text": "Hello, I am here."})
    clock.advance(days=3)
    await bot.drain()
    assert not any("Nobody has answered" in t for t in dm_texts(bot, "UREPORTER"))


async def test_talking_about_the_facilitator_on_duty_bypasses_them(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    body = await start_talk(bot, {"text": "It is about the facilitator.", "whom": "bypass"})
    assert body["response_action"] == "errors" and "pick" in body["errors"]
    body = await start_talk(bot, {"text": "It is about the facilitator.", "exclude": ["UFAC1"]})
    assert body["response_action"] == "errors" and "pick" in body["errors"]
    body = await start_talk(bot, {"text": "x", "whom": "pick", "pick": "UFAC1", "exclude": ["UFAC1"]})
    assert body["response_action"] == "errors"
    body = await start_talk(bot, {"text": "x", "whom": "bypass", "pick": "UFAC1"})
    assert body["response_action"] == "errors"  # the facilitator on duty is never the bypass
    body = await start_talk(bot, {"text": "x", "whom": "pick", "pick": "UMALLORY"})
    assert body["response_action"] == "errors"
    assert not bot.fake.dms_to("UFAC1")

    body = await start_talk(bot, {"text": "It is about the facilitator.", "whom": "bypass", "pick": "UFAC2",
                                  "exclude": ["UFAC1"]})
    assert body["response_action"] == "update"
    assert "It is about the facilitator." in dm_texts(bot, "UFAC2")[0]
    assert not bot.fake.dms_to("UFAC1")


async def test_entries_from_app_home_and_the_report_form(talk_bot: Harness) -> None:
    bot = talk_bot
    await bot.event({"type": "app_home_opened", "user": "UREPORTER", "tab": "home", "channel": "DUREPORTER"})
    await bot.until(lambda: bool(bot.fake.calls_to("views.publish")))
    assert "talk_open" in flatten(bot.fake.calls_to("views.publish")[-1].params)
    await bot.slash("UREPORTER", CALLS, "/report")
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None and "talk_open" in flatten(view)


async def test_a_conversation_is_deleted_after_retention_unless_it_became_a_report(talk_bot: Harness,
                                                                                   clock: ManualClock) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "Just asking."})
    cid = int(button_value(bot, "UFAC1", "talk_reply"))
    clock.advance(days=29)
    await bot.drain()
    async with bot.runtime.db.transaction() as session:
        assert await talk_q.get(session, cid) is not None
    clock.advance(days=1, minutes=1)
    await bot.drain()
    async with bot.runtime.db.transaction() as session:
        assert await talk_q.get(session, cid) is None and await talk_q.messages(session, cid) == []
    # Buttons on what was sent before now answer that the conversation is gone.
    await bot.click("UFAC1", "talk_end", str(cid), channel="DUFAC1")
    await bot.until(lambda: any("not one you are part of" in str(c.params.get("text"))
                                for c in bot.fake.calls_to("chat.postEphemeral")))


async def test_a_declined_handover_shares_nothing_and_tells_the_facilitator(talk_bot: Harness) -> None:
    bot = talk_bot
    await take_shift(bot)
    await start_talk(bot, {"text": "Only you, please.", "anonymity": "anonymous"})
    await press(bot, "UFAC1", "talk_handover", values={"colleague": "UFAC2"})
    await press(bot, "UREPORTER", "talk_handover_decline")
    assert "would rather keep talking with you" in dm_texts(bot, "UFAC1")[-1]
    await press(bot, "UREPORTER", "talk_reply", values={"text": "Thanks."})
    assert not bot.fake.dms_to("UFAC2") and "Thanks." in dm_texts(bot, "UFAC1")[-1]


async def test_the_entry_in_the_report_form_pushes_the_talk_form(talk_bot: Harness) -> None:
    bot = talk_bot
    await bot.slash("UREPORTER", CALLS, "/report")
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    trigger = bot.fake.issue_trigger("UREPORTER")
    await bot.post_payload({
        "type": "block_actions", "team": {"id": "T0FAKE", "domain": "fake"}, "api_app_id": "AFAKE",
        "user": {"id": "UREPORTER", "username": "ureporter", "team_id": "T0FAKE"}, "token": "legacy",
        "trigger_id": trigger, "view": view, "container": {"type": "view", "view_id": view["id"]},
        "actions": [{"type": "button", "action_id": "talk_open", "block_id": "talk_entry", "value": "open",
                     "action_ts": "1700000002.2", "text": {"type": "plain_text", "text": "Talk"}}]})
    await bot.wait_for_trigger(trigger)
    [pushed] = bot.fake.calls_to("views.push")
    assert pushed.params["view"]["callback_id"] == "talk_modal"
