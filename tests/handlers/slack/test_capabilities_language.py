"""The capabilities added after the first release speak the reader's language too: a Spanish-speaking member
talks first, is told help is coming after a danger page, holds a report and is refused by triage in Spanish;
a committee whose `community.language` is French reads its ban alerts, earlier-case listings and danger pages
in French."""

from __future__ import annotations

from collections.abc import AsyncIterator
import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.i18n import translator
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.bans_support import EVENTS_CHANNEL, decide_ban, joined, settle, start_bot
from tests.handlers.slack.test_talk import CALLS, FACILITATORS, dm_texts, take_shift
from tests.handlers.slack.triage_support import ephemerals, file_report, modal, press, text_of, thread
from tests.harness import COMMITTEE_CHANNEL, MEMBERS, Harness, make_config

ES = translator("es")
FR = translator("fr")


def spanish(english: str) -> str:
    """The Spanish of an English source text, which must have one."""
    said = ES.gettext(english)
    assert said != english, f"no Spanish for {english!r}"
    return said


def french(english: str) -> str:
    said = FR.gettext(english)
    assert said != english, f"no French for {english!r}"
    return said


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


async def test_a_spanish_speaking_member_talks_first_in_spanish(talk_bot: Harness) -> None:
    bot = talk_bot
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    await take_shift(bot)
    await bot.slash("UREPORTER", CALLS, "/talk", expect_view=True)
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None and view["title"]["text"] == spanish("Talk to someone first")
    resp = await bot.submit_view("UREPORTER", {"text": "Alguien me escribe después de la llamada.",
                                               "anonymity": "anonymous"})
    await bot.drain()
    body = resp.json()
    assert body["response_action"] == "update"
    assert spanish("Your conversation has started. cocbot will bring the answers to your direct messages. "
                   "Nothing is a report unless you make it one.") in flatten(body["view"])
    [started] = dm_texts(bot, "UREPORTER")
    assert spanish("You are talking to") in started and "<@UFAC1>" in started
    # The facilitator's side is in theirs (English here), whatever the member's language.
    [opened] = dm_texts(bot, "UFAC1")
    assert "Alguien me escribe" in opened and "UREPORTER" not in opened


@pytest.fixture
async def sbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = Harness(slack, make_config(safety={"resources": [{"name": "Emergency services", "reach": "911"}]}),
                      sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_spanish_speaking_reporter_is_told_in_spanish_that_help_is_coming(sbot: Harness) -> None:
    bot = sbot
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    bot.fake.users["UALICE"]["locale"] = "es-ES"
    ref = await bot.report(description="Me sigue hasta el hotel", danger="yes", implicated=["UMALLORY"])
    await bot.drain()
    # Each person paged reads their own language: UALICE Spanish, UBOB English.
    assert any(spanish("I'm on it") in flatten(m) for m in bot.fake.dms_to("UALICE") if ref in flatten(m))
    assert any("I'm on it" in flatten(m) for m in bot.fake.dms_to("UBOB") if ref in flatten(m))
    await bot.click("UALICE", "safety_ack", ref, channel="DUALICE")
    await bot.drain()
    told = [flatten(m) for m in bot.fake.dms_to("UREPORTER")]
    coming = spanish("Someone from the Code of Conduct team is responding to your report %(ref)s now.") % {
        "ref": ref}
    assert any(coming in t for t in told), told
    said = ephemerals(bot, "UALICE")
    assert any(spanish("Thank you. The others paged about %(ref)s are told you are on it, and the pages stop.")
               % {"ref": ref} in s for s in said), said


async def test_a_held_report_is_confirmed_and_refused_in_the_members_language(bot: Harness) -> None:
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    bot.fake.users["UOTHER"]["locale"] = "es-ES"
    ref = await bot.report(description="lo que pasó", hold=["hold"], implicated=["UMALLORY"])
    await bot.drain()
    dm = " ".join(text_of(m) for m in bot.fake.dms_to("UREPORTER"))
    assert spanish("Your report %(ref)s is stored and held. Nobody on the committee has seen it.") % {"ref": ref} \
        in dm
    # Someone else's click is refused in their own language.
    await bot.click("UOTHER", "hold_release", ref, channel="DUOTHER")
    refused = spanish("Only the person who filed this report can release or withdraw it.")
    await settle(bot, lambda: refused in ephemerals(bot, "UOTHER"))
    await bot.click("UREPORTER", "hold_withdraw", ref, channel="DUREPORTER")
    await bot.drain()
    assert any(spanish("Your held report %(ref)s was withdrawn") % {"ref": ref} in text_of(m)
               for m in bot.fake.dms_to("UREPORTER"))


async def test_triage_refuses_and_thanks_the_reporter_in_their_language(bot: Harness) -> None:
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    ref, _, _ = await file_report(bot, description="Me interrumpió en la llamada")
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await modal(bot, "UBOB", "triage_ask", ref, {"text": "¿Pasó antes?"})
    await bot.drain()
    value = next(e["value"] for m in bot.fake.dms_to("UREPORTER") for b in m.get("blocks", [])
                 if b.get("type") == "actions" for e in b["elements"] if e["action_id"] == "triage_reply")
    await bot.click("UREPORTER", "triage_reply", value, channel="DUREPORTER", expect_view=True)
    refused = (await bot.submit_view("UREPORTER", {"text": "  "})).json()
    assert refused == {"response_action": "errors", "errors": {"text": spanish("Please write the answer.")}}
    await bot.click("UREPORTER", "triage_reply", value, channel="DUREPORTER", expect_view=True)
    done = (await bot.submit_view("UREPORTER", {"text": "Sí, dos veces."})).json()
    assert done["response_action"] == "update" and spanish("Answer sent") in flatten(done["view"])
    # The committee's answer to its own refused click stays in the committee's language.
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await settle(bot, lambda: any(f"{ref} is already in progress" in e for e in ephemerals(bot, "UALICE")))


@pytest.fixture
async def fr_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    for user in MEMBERS:
        # Nobody's own language is known: each reads the committee's.
        slack.users[user].pop("locale", None)
    bot = await start_bot(slack, sqlite_url, clock, community={"name": "Communauté", "language": "fr"},
                          safety={"resources": [{"name": "Urgences", "reach": "112"}]})
    yield bot
    await bot.stop()


async def test_a_french_committee_reads_ban_alerts_earlier_cases_and_danger_pages_in_french(fr_bot: Harness) -> None:
    bot = fr_bot
    ref, space = await decide_ban(bot)
    assert space == COMMITTEE_CHANNEL
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    heading = french("A person banned in %(ref)s joined a space the ban covers") % {"ref": ref}
    await settle(bot, lambda: any(heading in text_of(m) for m in bot.fake.messages_in(COMMITTEE_CHANNEL)))

    second, channel, ts = await file_report(bot, user="UWITNESS", implicated=["UMALLORY"])
    listing = [text_of(m) for m in thread(bot, channel, ts) if ref in text_of(m)]
    earlier = french("Earlier: %(cases)s").split("%(cases)s")[0]
    assert any(earlier in t for t in listing), listing

    danger = await bot.report(description="Il la suit jusqu'à l'hôtel", danger="yes", implicated=["UMALLORY"])
    await bot.drain()
    page = [flatten(m) for m in bot.fake.dms_to("UALICE") if danger in flatten(m)]
    assert any(french("Someone may be in immediate danger: report %(ref)s") % {"ref": danger} in p for p in page)
    assert second != danger
