"""Report on someone's behalf, on the fake Slack: a facilitator files what someone told them at a call; the
person reviews and confirms it and is its reporter from then on; the filer hears only what a witness would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage import reports as reports_q
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, Harness, make_config

SECRET = "he cornered me by the coffee urn after the talk"
FACILITATOR = "UFACIL"


@pytest.fixture
async def fbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    slack.add_user(FACILITATOR)
    harness = Harness(slack, make_config(duty={"facilitators": [FACILITATOR]}), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


def committee_text(slack: FakeSlack) -> str:
    return "\n".join(flatten(m) for m in slack.messages_in(COMMITTEE_CHANNEL))


async def stored(bot: Harness, ref: str) -> reports_q.ReportRecord:
    async with bot.runtime.db.transaction() as s:
        report = await reports_q.get_report_by_ref(s, ref)
    assert report is not None
    return report


async def test_a_verbal_report_is_confirmed_by_the_person_it_is_for(fbot: Harness, slack: FakeSlack) -> None:
    ref = await fbot.report(FACILITATOR, description=SECRET, on_behalf="UREPORTER", implicated=["UMALLORY"])
    await fbot.drain()
    report = await stored(fbot, ref)
    assert report.reporter == "UREPORTER" and report.filed_by == FACILITATOR and not report.behalf_confirmed
    assert "not yet confirmed" in committee_text(slack)
    [review] = [m for m in slack.dms_to("UREPORTER") if "filed for you" in flatten(m)]
    assert SECRET in flatten(review) and "behalf_confirm_anonymous" in str(review)
    # The filer: a receipt, never the report's content, never the reporter's buttons.
    receipt = [flatten(m) for m in slack.dms_to(FACILITATOR)]
    assert any("Thank you for passing this on" in t for t in receipt)
    assert all(SECRET not in t and "Add information" not in t for t in receipt)
    # Nobody but the person it is for can confirm it.
    await fbot.click(FACILITATOR, "behalf_confirm_named", ref)
    await fbot.drain()
    assert not (await stored(fbot, ref)).behalf_confirmed

    await fbot.click("UREPORTER", "behalf_confirm_anonymous", ref)
    await fbot.drain()
    report = await stored(fbot, ref)
    assert report.behalf_confirmed and report.anonymity == "anonymous"
    assert "has confirmed it" in committee_text(slack)
    assert any("was received" in flatten(m) and "add_information" in str(m) for m in slack.dms_to("UREPORTER")
               if "filed for you" not in flatten(m))
    assert "UMALLORY" not in slack.who_saw(ref) and "UMALLORY" not in slack.who_saw(SECRET)


async def test_someone_not_in_the_workspace(fbot: Harness, slack: FakeSlack) -> None:
    ref = await fbot.report(FACILITATOR, description=SECRET, on_behalf_other="Dana, dana@example.org")
    await fbot.drain()
    report = await stored(fbot, ref)
    assert report.reporter.startswith("public:") and report.on_behalf_other == "Dana, dana@example.org"
    assert "dana@example.org" in committee_text(slack)
    assert any("through the contact you gave" in flatten(m) for m in slack.dms_to(FACILITATOR))


async def test_only_facilitators_and_the_committee_can_file_for_others(fbot: Harness, slack: FakeSlack) -> None:
    await fbot.slash("UOTHER", "CGENERAL")
    resp = await fbot.submit_view("UOTHER", {"description": SECRET, "on_behalf": "UREPORTER"})
    body = resp.json()
    assert body["response_action"] == "errors" and "Only facilitators" in body["errors"]["on_behalf"]
