"""The same flows dispatched through the Socket Mode adapter's request path."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness, state_values


async def dispatch(bot: Harness, kind: str, payload: dict[str, Any]) -> Any:
    req = SocketModeRequest(type=kind, envelope_id=f"env-{time.monotonic_ns()}", payload=payload)
    return await run_async_bolt_app(bot.runtime.bolt, req)


async def test_report_through_socket_mode(bot: Harness) -> None:
    fields = bot.slash_fields("UREPORTER", GENERAL)
    resp = await dispatch(bot, "slash_commands", fields)
    assert resp.status == 200
    await bot.wait_for_trigger(fields["trigger_id"])
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    submission = {
        "type": "view_submission", "team": {"id": "T0FAKE"}, "user": {"id": "UREPORTER"}, "api_app_id": "AFAKE",
        "view": {**view, "state": {"values": state_values(view, {"description": "Via socket mode"})}},
    }
    resp = await dispatch(bot, "interactive", submission)
    assert resp.status == 200
    body = json.loads(resp.body)
    ref = await bot.submitted_reference(body, view["id"])
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    assert ref in str(post["blocks"]) and "Via socket mode" in str(post["blocks"])


async def test_message_shortcut_through_socket_mode(bot: Harness) -> None:
    trigger = bot.fake.issue_trigger("UWITNESS")
    payload = {
        "type": "message_action", "callback_id": "report_message", "team": {"id": "T0FAKE"},
        "user": {"id": "UWITNESS"}, "channel": {"id": GENERAL}, "trigger_id": trigger,
        "message": {"type": "message", "user": "UMALLORY", "text": "flag me", "ts": "1700000000.000200"},
        "response_url": bot.fake.response_url("UWITNESS"),
    }
    resp = await dispatch(bot, "interactive", payload)
    assert resp.status == 200
    await bot.wait_for_trigger(trigger)
    assert bot.fake.open_view_for("UWITNESS") is not None
