"""Reports while another process holds the SQLite file's write lock (the operator's CLI, a backup): the
bot keeps answering, the report waits and is stored, and the reporter is told only what is true."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage import reports as reports_q
from tests.fakes.sqlite_lock import OtherWriter, sqlite_path
from tests.harness import GENERAL, Harness, reference_in

WORRY = ("could not", "failed", "error", "went wrong", "try again")


def seen_by_reporter(bot: Harness) -> str:
    return " ".join(s.text for s in bot.fake.seen_by("UREPORTER")).lower()


async def test_while_another_process_holds_the_lock_the_bot_answers_and_stores_the_report_after(
        bot: Harness, sqlite_url: str) -> None:
    await bot.slash("UREPORTER", GENERAL)
    modal = bot.fake.open_view_for("UREPORTER")
    assert modal is not None
    with OtherWriter(sqlite_path(sqlite_url)) as other:
        # Slack gives a submission 3 seconds; the report cannot be stored yet, so the modal says so.
        answer = await bot.submit_view("UREPORTER", {"description": "Sent while the file was locked"}, modal,
                                       settle=False)
        assert answer.status == 200
        body = answer.json()
        assert body["response_action"] == "update"
        assert "being saved" in flatten(body["view"])
        assert not any(word in flatten(body["view"]).lower() for word in WORRY)
        # The write waits off the event loop: health and a new /report are answered meanwhile.
        started = time.monotonic()
        async with aiohttp.ClientSession() as http:
            async with http.get(bot.url.replace("/slack/events", "/healthz")) as health:
                assert health.status == 200
        health_seconds = time.monotonic() - started
        started = time.monotonic()
        await bot.slash("UOTHER", GENERAL)
        report_seconds = time.monotonic() - started
        [opened] = [c for c in bot.fake.calls_to("views.open") if c.response.get("view", {}).get("id")
                    and bot.fake.view_owner[c.response["view"]["id"]] == "UOTHER"]
        assert opened.response["ok"], opened.response  # within Slack's trigger window
        # Stalled, these took SQLite's whole busy timeout (5 s); free, milliseconds.
        assert health_seconds < 2.5 and report_seconds < 2.5, (health_seconds, report_seconds)
        assert bot.fake.calls_to("views.update") == []  # still waiting for the lock
        other.release()
    await bot.until(lambda: bool(bot.fake.calls_to("views.update")), timeout=10)
    [update] = bot.fake.calls_to("views.update")
    assert update.params["view_id"] == modal["id"] and update.response["ok"]
    ref = reference_in(update.params["view"])
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None and report.description == "Sent while the file was locked"
    await bot.drain()
    [dm] = bot.fake.dms_to("UREPORTER")
    assert ref in dm["text"]
    assert not any(word in seen_by_reporter(bot) for word in WORRY)


async def test_a_report_that_could_not_be_stored_is_reported_as_not_stored(
        bot: Harness, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import cocbot.storage.db

    monkeypatch.setattr(cocbot.storage.db, "BUSY_TIMEOUT_MS", 100)  # the other process outlasts the wait
    await bot.slash("UREPORTER", GENERAL)
    with OtherWriter(sqlite_path(sqlite_url)):
        answer = await bot.submit_view("UREPORTER", {"description": "Lost to a locked file"})
    # Known not to be stored within Slack's window: the form stays open with what they wrote, to send again.
    assert answer.json()["response_action"] == "errors"
    assert "has not been sent" in answer.json()["errors"]["description"]
    async with bot.runtime.db.transaction() as session:
        assert await reports_q.get_report_by_key(session, f"slack:view:{answer_view_id(bot)}") is None
    await bot.drain()
    assert bot.fake.dms_to("UREPORTER") == [] and bot.fake.calls_to("chat.postMessage") == []


async def test_a_report_stored_despite_an_error_is_confirmed_with_its_reference(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    intake = bot.runtime.services.intake
    submit = intake.submit

    async def stored_then_failed(draft: Any) -> Any:
        await submit(draft)
        raise ConnectionResetError("the answer from the database was lost")

    monkeypatch.setattr(intake, "submit", stored_then_failed)
    await bot.slash("UREPORTER", GENERAL)
    answer = await bot.submit_view("UREPORTER", {"description": "Stored, then the connection dropped"})
    ref = reference_in(answer.json()["view"])
    assert "was received" in flatten(answer.json()["view"])
    async with bot.runtime.db.transaction() as session:
        assert (await reports_q.get_report_by_ref(session, ref)) is not None


async def test_when_nothing_can_be_confirmed_the_reporter_is_told_exactly_that(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    intake = bot.runtime.services.intake

    async def unreachable(*_: Any) -> Any:
        raise ConnectionRefusedError("database unreachable")

    monkeypatch.setattr(intake, "submit", unreachable)
    monkeypatch.setattr(intake, "stored", unreachable)
    await bot.slash("UREPORTER", GENERAL)
    answer = await bot.submit_view("UREPORTER", {"description": "Nobody knows where this went"})
    view = flatten(answer.json()["view"])
    assert "could not confirm" in view and "direct message" in view


def answer_view_id(bot: Harness) -> str:
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    return str(view["id"])
