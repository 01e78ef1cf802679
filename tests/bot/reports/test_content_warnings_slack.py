"""Content warnings, on the fake Slack: the reporter's, or the committee's in Assess, keeps that report's
details behind "View report" in the committee's space, as details on demand does for every report."""

from __future__ import annotations

from tests.fakes.slack import FakeSlack
from tests.handlers.slack.triage_support import buttons, file_report, message, modal, press, text_of
from tests.harness import COMMITTEE_CHANNEL, Harness

SECRET = "a graphic account of what he did in the stairwell"


async def test_the_reporters_warning_keeps_the_details_behind_view_report(bot: Harness, slack: FakeSlack) -> None:
    ref, channel, ts = await file_report(bot, description=SECRET, content_warning="sexual violence")
    post = message(bot, channel, ts)
    assert "sexual violence" in text_of(post) and SECRET not in text_of(post)
    assert "triage_view" in buttons(post)
    await press(bot, "UALICE", "triage_view", ref, expect_view=True)
    assert SECRET in str(slack.open_view_for("UALICE"))


async def test_without_a_warning_the_post_shows_the_report(bot: Harness, slack: FakeSlack) -> None:
    _, channel, ts = await file_report(bot, description=SECRET)
    assert SECRET in text_of(message(bot, channel, ts))


async def test_the_committee_adds_one_in_assess(bot: Harness, slack: FakeSlack) -> None:
    ref, channel, ts = await file_report(bot, description=SECRET)
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await bot.drain()
    body = await modal(bot, "UALICE", "triage_assess", ref, {
        "risk": "high", "impact": "high", "ongoing": "no", "unsafe": "no", "category": "Harassment or intimidation",
        "reporter_role": "affected", "content_warning": "self-harm"})
    assert body.get("response_action") == "update", body
    await bot.drain()
    post = message(bot, channel, ts)
    assert "self-harm" in text_of(post) and SECRET not in text_of(post) and "triage_view" in buttons(post)
    assert channel == COMMITTEE_CHANNEL


async def test_notes_questions_answers_additions_and_the_decision_stay_behind_the_warning(
        bot: Harness, slack: FakeSlack) -> None:
    from cocbot.bot.triage.rules import DecisionDraft, Outcome
    from cocbot.storage import triage as triage_q
    from tests.handlers.slack.triage_support import stored, thread

    ref, channel, ts = await file_report(bot, description=SECRET, content_warning="sexual violence")
    triage = bot.runtime.services.triage
    assert (await triage.acknowledge(ref, "UALICE", channel)).ok
    texts = {"note": "The note repeats what happened in the stairwell",
             "question": "Which floor of the stairwell was it?",
             "answer": "The third floor, next to the fire door",
             "addition": "He also followed me to the car park",
             "decision": "We spoke to him about the stairwell"}
    assert (await triage.add_note(ref, "UBOB", texts["note"], "n1")).ok
    assert (await triage.ask(ref, "UBOB", texts["question"], "q1")).ok
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as session:
        question = next(e for e in await triage_q.entries_for(session, report.id) if e.kind == "question")
    assert (await triage.reply(question.id, "UREPORTER", texts["answer"], "a1")).ok
    assert await bot.runtime.services.intake.add_information(
        ref=ref, user="UREPORTER", text=texts["addition"], idempotency_key="add-1") is None
    assert (await triage.decide(ref, "UALICE", DecisionDraft(Outcome.PRIVATE_REPRIMAND, texts["decision"]),
                                "d1")).ok
    await bot.drain()
    posts = thread(bot, channel, ts)
    shown = "\n".join(text_of(p) for p in posts)
    for kind, text in texts.items():
        assert text not in shown, kind
    # Each post still says what happened and who did it, shows the warning and the button to read it.
    assert "Private committee note by" in shown and "<@UBOB>" in shown and "The reporter answered" in shown
    assert "added information" in shown and "Decision recorded by" in shown
    behind = [p for p in posts if "kept behind the content warning" in text_of(p)]
    assert len(behind) == 5 and all("triage_view" in buttons(p) and "sexual violence" in text_of(p) for p in behind)
    await press(bot, "UALICE", "triage_view", ref, expect_view=True)
    whole = str(slack.open_view_for("UALICE"))
    assert texts["note"] in whole and texts["answer"] in whole and texts["addition"] in whole


async def test_without_a_warning_a_note_shows_its_text(bot: Harness) -> None:
    from tests.handlers.slack.triage_support import thread

    ref, channel, ts = await file_report(bot, description=SECRET)
    assert (await bot.runtime.services.triage.add_note(ref, "UBOB", "A plain note", "n1")).ok
    await bot.drain()
    assert "A plain note" in "\n".join(text_of(p) for p in thread(bot, channel, ts))
