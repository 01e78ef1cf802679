"""Answering a modal's submission within Slack's 3 seconds, however long storing takes.

Slack shows the member an error of its own unless a submission is answered within 3 seconds, even when what
they sent is stored a moment later (and Bolt then answers empty). Storing can outlast that: another process
holding the SQLite file, a PostgreSQL failover, a loaded machine. So a listener validates first (pure, fast)
and hands the storing to `answer_in_time`: finished within the budget, its answer is Slack's (the outcome in
the modal, or a refusal beside its field, the form still open); past the budget the modal is answered with
"being saved" and updated with the outcome once it is known. Storing runs once either way: it is never
restarted, and the service's idempotency key makes a resubmission of the same form a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.i18n import Translator
from cocbot.handlers.slack.blocks import text_modal

log = logging.getLogger("cocbot.slack")

# Past this, Slack is answered with "being saved": the margin under Slack's 3 seconds covers the HTTP
# round trip and Bolt's own polling of the answer.
ANSWER_BUDGET_SECONDS = 2.0

# The "being saved" modal carries this callback id, so a reader (the test harness) tells it from an outcome.
SAVING_CALLBACK = "cocbot_saving"

Reply = dict[str, Any]  # the keyword arguments of ack(): response_action "update" with a view, or "errors"


def update(view: dict[str, Any]) -> Reply:
    return {"response_action": "update", "view": view}


def errors(fields: dict[str, str]) -> Reply:
    return {"response_action": "errors", "errors": fields}


def saving_view(tr: Translator, title: str | None = None, text: str | None = None) -> dict[str, Any]:
    view = text_modal(title or tr.gettext("Saving"),
                      text or tr.gettext("This is being saved; it is taking longer than usual. Keep this window "
                                         "open: it shows the outcome once it is saved."))
    view["callback_id"] = SAVING_CALLBACK
    return view


def refused_late(tr: Translator) -> Callable[[Reply], dict[str, Any]]:
    """The modal for a refusal that comes after "being saved": the form is gone, so its field errors are
    said in a modal of their own."""
    def view(reply: Reply) -> dict[str, Any]:
        said = " ".join(str(e) for e in (reply.get("errors") or {}).values())
        return text_modal(tr.gettext("Not saved"), said or could_not_save(tr))

    return view


def could_not_save(tr: Translator) -> str:
    return tr.gettext("Sorry, cocbot could not save this just now. Please send it again in a moment; it will not "
                      "be saved twice.")


async def _guarded(work: Awaitable[Reply], field: str | None, tr: Translator) -> Reply:
    try:
        return await work
    except Exception as exc:
        # Only the error's class: its text may hold the statement's parameters (what the member wrote).
        log.error("a submission could not be saved (%s)", type(exc).__name__)
        if field is None:  # a form without inputs: nothing to keep open
            return update(text_modal(tr.gettext("Not saved"), could_not_save(tr)))
        return errors({field: could_not_save(tr)})


async def answer_in_time(ack: AsyncAck, client: AsyncWebClient, body: dict[str, Any], work: Awaitable[Reply], *,
                         field: str | None, tr: Translator, saving: dict[str, Any] | None = None,
                         late: Callable[[Reply], dict[str, Any]] | None = None) -> None:
    """Answer the submission in `body` with what `work` replies, or with `saving` if it takes longer than the
    budget and then update the modal with `late` of a refusal, or with the view of an outcome. `field` is where
    an unexpected failure is said (None: a form without inputs), in `tr`'s language."""
    outcome = asyncio.ensure_future(_guarded(work, field, tr))
    await asyncio.wait((outcome,), timeout=ANSWER_BUDGET_SECONDS)
    if outcome.done():
        await ack(**outcome.result())
        return
    await ack(response_action="update", view=saving or saving_view(tr))
    reply = await outcome
    final = reply["view"] if reply.get("response_action") == "update" else (late or refused_late(tr))(reply)
    try:
        await client.views_update(view_id=body["view"]["id"], view=final)
    except SlackApiError as exc:
        # Closed by the member meanwhile: what was stored shows where it lives (the thread, a DM).
        log.warning("could not show the outcome of a slow submission: %s", exc.response.get("error"))
