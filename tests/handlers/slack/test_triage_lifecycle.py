"""Triage end to end against the fake Slack: named, confidential and anonymous reports from new to closed."""

from __future__ import annotations

import logging

import pytest

from tests.harness import COMMITTEE_CHANNEL, Harness
from tests.handlers.slack.triage_support import (
    buttons, committee_audit, ephemerals, file_report, message, modal, press, stored, text_of, thread,
)


@pytest.mark.parametrize("anonymity", ["named", "confidential", "anonymous"])
async def test_full_life_cycle(bot: Harness, anonymity: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    # Every step with storing held back until Slack has its answer: each click and form must be answered in
    # time whatever storing costs, so the outcome cannot depend on how loaded the machine is.
    with bot.storing_slowly():
        await life_cycle(bot, anonymity, caplog)
    assert not [r.getMessage() for r in caplog.records if "ack()" in r.getMessage()]


async def life_cycle(bot: Harness, anonymity: str, caplog: pytest.LogCaptureFixture) -> None:
    ref, channel, ts = await file_report(bot, description="He mocked my accent in the weekly call",
                                         implicated=["UMALLORY"], anonymity=anonymity)
    assert channel == COMMITTEE_CHANNEL
    first = message(bot, channel, ts)
    assert "triage_acknowledge" in buttons(first) and "New" in text_of(first)

    await press(bot, "UALICE", "triage_acknowledge", ref)
    await bot.drain()
    assert (await stored(bot, ref)).state == "acknowledged"
    ack_dm = [m for m in bot.fake.dms_to("UREPORTER") if "acknowledged" in m["text"]]
    assert len(ack_dm) == 1
    assert f"Your report {ref} was acknowledged by the committee" in text_of(ack_dm[0])
    assert "UALICE" not in text_of(ack_dm[0])
    updated = message(bot, channel, ts)
    assert "Acknowledged" in text_of(updated) and "triage_acknowledge" not in buttons(updated)

    await press(bot, "UBOB", "triage_assign_me", ref)
    await bot.drain()
    assert (await stored(bot, ref)).owner == "UBOB"
    assert "<@UBOB>" in text_of(message(bot, channel, ts))

    body = await modal(bot, "UBOB", "triage_assess", ref, {
        "risk": "high", "impact": "low", "ongoing": "no", "unsafe": "no", "category": "Harassment or intimidation",
        "reporter_role": "affected"})
    assert body["response_action"] == "update", body
    await bot.drain()
    report = await stored(bot, ref)
    assert report.state == "in_progress" and report.category == "Harassment or intimidation"
    assert any("Take notes and follow up later" in text_of(m) for m in thread(bot, channel, ts))

    await modal(bot, "UCAROL", "triage_note", ref, {"text": "Spoke to the call host; they noticed it too."})
    await bot.drain()
    assert any("Spoke to the call host" in text_of(m) for m in thread(bot, channel, ts))

    await modal(bot, "UBOB", "triage_ask", ref, {"text": "Has this happened in earlier calls?"})
    await bot.drain()
    [question_dm] = [m for m in bot.fake.dms_to("UREPORTER") if "question" in m["text"]]
    assert "Has this happened in earlier calls?" in text_of(question_dm) and "UBOB" not in text_of(question_dm)
    reply_value = next(e["value"] for b in question_dm["blocks"] if b["type"] == "actions" for e in b["elements"])
    await bot.click("UREPORTER", "triage_reply", reply_value, channel="DUREPORTER", expect_view=True)
    resp = await bot.submit_view("UREPORTER", {"text": "Yes, twice in March."})
    assert resp.saving and "on its way to the committee" in str(resp.json()["view"])
    await bot.drain()
    assert any("Yes, twice in March." in text_of(m) for m in thread(bot, channel, ts))

    body = await modal(bot, "UBOB", "triage_decide", ref, {
        "outcome": "private_reprimand", "message": "We spoke with the person; it will not happen again."})
    assert body["response_action"] == "update", body
    await bot.drain()
    assert (await stored(bot, ref)).state == "decided"
    [decided_dm] = [m for m in bot.fake.dms_to("UREPORTER") if "update on your report" in m["text"]]
    assert "privately reprimand" in text_of(decided_dm) and "We spoke with the person" in text_of(decided_dm)
    assert "UBOB" not in text_of(decided_dm)

    await press(bot, "UALICE", "triage_close", ref)
    await bot.drain()
    assert (await stored(bot, ref)).state == "closed"
    assert any("is closed" in m["text"] for m in bot.fake.dms_to("UREPORTER"))
    assert "triage_reopen" in buttons(message(bot, channel, ts))

    await press(bot, "UALICE", "triage_reopen", ref)
    await bot.drain()
    assert (await stored(bot, ref)).state == "in_progress"

    actions = [e.action for e in await committee_audit(bot, ref)]
    assert actions == ["acknowledge", "assign", "assess", "note", "ask", "answer", "decide", "close", "reopen"]
    await press(bot, "UCAROL", "triage_history", ref, expect_view=True)
    history = bot.fake.open_view_for("UCAROL")
    assert history is not None and "recorded a decision" in str(history)

    # The reporter's id never reaches the committee for an anonymous report.
    if anonymity == "anonymous":
        committee = {"UALICE", "UBOB", "UCAROL"}
        assert not any("UREPORTER" in s.text for s in bot.fake.seen if s.user in committee)
    assert "UMALLORY" not in {s.user for s in bot.fake.seen}
    assert ephemerals(bot, "UALICE") == [] and ephemerals(bot, "UBOB") == []
    # Logs carry references only: no account, note, question, answer, decision text or reporter id.
    for record in caplog.records:
        logged = record.getMessage()
        for secret in ("mocked my accent", "call host", "earlier calls", "twice in March", "We spoke with",
                       "UREPORTER"):
            assert secret not in logged, (record.name, logged)
