"""The shared answer budget of modal submissions: within it Slack gets the outcome itself; past it "being
saved" at once and the outcome as an update of the modal; storing runs once either way. Storing is held back
by an event the test sets itself, so the slow path is taken however idle or loaded the machine is."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from cocbot.bot.i18n import english
from cocbot.handlers.slack import answering
from cocbot.handlers.slack.blocks import text_modal
from cocbot.handlers.slack.testing.fake_api import flatten

BODY = {"view": {"id": "V1"}}


class RecordingAck:
    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []
        self.answered = asyncio.Event()

    async def __call__(self, **kwargs: Any) -> None:
        self.answers.append(kwargs)
        self.answered.set()


class RecordingClient:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    async def views_update(self, **kwargs: Any) -> None:
        self.updates.append(kwargs)


class Storing:
    """A piece of storing that counts its runs and, when held, waits for Slack's answer first."""

    def __init__(self, reply: answering.Reply | Exception, ack: RecordingAck | None = None) -> None:
        self.reply, self.ack, self.runs = reply, ack, 0

    async def __call__(self) -> answering.Reply:
        self.runs += 1
        if self.ack is not None:
            await self.ack.answered.wait()
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


@pytest.fixture
def no_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # No need to sit out the real budget: held storing cannot finish before the answer either way.
    monkeypatch.setattr(answering, "ANSWER_BUDGET_SECONDS", 0.0)


async def test_storing_within_the_budget_is_the_answer_itself() -> None:
    ack, client = RecordingAck(), RecordingClient()
    done = answering.update(text_modal("Saved", "It is saved."))
    storing = Storing(done)
    await answering.answer_in_time(ack, client, BODY, storing(), field="text", tr=english())  # type: ignore[arg-type]
    assert ack.answers == [done] and client.updates == [] and storing.runs == 1


async def test_slow_storing_is_answered_being_saved_then_the_modal_shows_the_outcome(no_budget: None) -> None:
    ack, client = RecordingAck(), RecordingClient()
    done = answering.update(text_modal("Saved", "It is saved."))
    storing = Storing(done, ack)
    await answering.answer_in_time(ack, client, BODY, storing(), field="text", tr=english())  # type: ignore[arg-type]
    [answer] = ack.answers
    assert answer["response_action"] == "update" and answer["view"]["callback_id"] == answering.SAVING_CALLBACK
    assert "being saved" in flatten(answer["view"])
    assert client.updates == [{"view_id": "V1", "view": done["view"]}] and storing.runs == 1


async def test_a_slow_refusal_is_said_in_a_modal_of_its_own(no_budget: None) -> None:
    ack, client = RecordingAck(), RecordingClient()
    storing = Storing(answering.errors({"text": "Someone else decided first."}), ack)
    await answering.answer_in_time(ack, client, BODY, storing(), field="text", tr=english())  # type: ignore[arg-type]
    [update] = client.updates
    assert "Not saved" in flatten(update["view"]) and "Someone else decided first." in flatten(update["view"])


@pytest.mark.parametrize("field", ["text", None])
async def test_a_failure_is_a_specific_message_and_logs_only_its_class(field: str | None,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    ack, client = RecordingAck(), RecordingClient()
    storing = Storing(RuntimeError("INSERT ... 'what the member wrote'"))
    await answering.answer_in_time(ack, client, BODY, storing(), field=field, tr=english())  # type: ignore[arg-type]
    [answer] = ack.answers
    said = str(answer.get("errors", {}).get("text")) if field else flatten(answer["view"])
    assert "could not save this just now" in said and "Traceback" not in said
    assert all("what the member wrote" not in r.getMessage() and r.exc_info is None for r in caplog.records)
    assert any("RuntimeError" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
