"""A request cocbot refuses is answered 400/401/413 and logged as one line: never its body, never a traceback,
whoever would log it (cocbot, Bolt, the SDK). Genuine requests carry report text and reporters' ids."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from cocbot.handlers.slack.testing import markers
from cocbot.storage.models import Report
from tests.harness import GENERAL, Harness, Response

SECRET_TEXT = "ZEBRA-PRIVATE the organiser shouted at me after the talk"


def everything(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return list(caplog.records)


def as_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


async def report_payload(bot: Harness, user: str = "UREPORTER") -> dict[str, Any]:
    """A genuine view_submission of the report modal, with report text and the reporter's id."""
    await bot.slash(user, GENERAL)
    view = bot.fake.open_view_for(user)
    assert view is not None
    from tests.harness import state_values

    markers.note_text(SECRET_TEXT)
    markers.note_reporter(user)
    return {"type": "view_submission", "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"}, "api_app_id": "AFAKE",
            "token": "legacy", "trigger_id": bot.fake.issue_trigger(user),
            "view": {**view, "state": {"values": state_values(view, {"description": SECRET_TEXT})}},
            "response_urls": []}


async def post_bytes(bot: Harness, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
                     timestamp: str | None = None, secret: str | None = None, signed: bool = True) -> Response:
    import hashlib
    import hmac

    from tests.harness import SIGNING_SECRET

    assert bot._http is not None
    headers = {"Content-Type": content_type}
    if signed:
        ts = timestamp or str(int(time.time()))
        digest = hmac.new((secret or SIGNING_SECRET).encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
        headers["X-Slack-Request-Timestamp"] = ts
        headers["X-Slack-Signature"] = "v0=" + digest.hexdigest()
    async with bot._http.post(bot.url, data=body, headers=headers) as resp:
        return Response(resp.status, await resp.text())


async def stored_reports(bot: Harness) -> int:
    async with bot.runtime.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Report))).scalar_one())


def assert_one_line_without_content(records: list[logging.LogRecord], reason: str) -> None:
    text = as_logged(records)
    assert SECRET_TEXT not in text and "ZEBRA" not in text
    assert "UREPORTER" not in text
    refusals = [r for r in records if r.name == "cocbot.slack" and "refused" in r.getMessage()]
    assert len(refusals) == 1, text
    assert reason in refusals[0].getMessage()
    assert not any(r.exc_info for r in records), "a traceback was logged"
    assert not any(r.levelno >= logging.WARNING for r in records if r is not refusals[0]), text


@pytest.mark.parametrize("how, reason", [
    ("stale", "replay window"),  # clock drift: a genuine request, six minutes old
    ("rotated secret", "bad signature"),  # signed with a secret cocbot does not have (yet)
])
async def test_a_genuine_report_refused_by_the_signature_check_is_logged_without_its_body(
        bot: Harness, caplog: pytest.LogCaptureFixture, how: str, reason: str) -> None:
    payload = await report_payload(bot)
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    body = urlencode({"payload": json.dumps(payload)}).encode()
    if how == "stale":
        resp = await post_bytes(bot, body, timestamp=str(int(time.time()) - 6 * 60))
    else:
        resp = await post_bytes(bot, body, secret="the-next-signing-secret-0123456789")
    assert resp.status == 401
    assert_one_line_without_content(everything(caplog), reason)
    assert await stored_reports(bot) == 0


async def test_unsigned_megabyte_bodies_add_next_to_nothing_to_the_log(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = ("payload=" + "x" * 1_000_000).encode()
    for _ in range(20):
        resp = await post_bytes(bot, body, signed=False)
        assert resp.status == 401
    logged = sum(len(line) for line in as_logged(everything(caplog)).splitlines())
    assert len([r for r in everything(caplog) if "refused" in r.getMessage()]) == 20
    assert logged < 20 * 200, f"{logged} characters logged for 20 refused requests"


async def test_a_body_over_the_cap_is_refused_before_it_is_read(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    resp = await post_bytes(bot, b"payload=" + b"y" * (2 * 1024 * 1024))
    assert resp.status == 413
    assert_one_line_without_content(everything(caplog), "too large")


def _payload(**fields: Any) -> bytes:
    return urlencode({"payload": json.dumps(fields)}).encode()


CLICK = {"type": "block_actions", "team": {"id": "T0FAKE"}, "api_app_id": "AFAKE", "token": "legacy",
         "trigger_id": "1.2.3", "response_url": "https://hooks.example/x",
         "user": {"id": "UREPORTER"}, "actions": [{"type": "button", "action_id": "add_information",
                                                   "block_id": "b", "value": "R-0001", "action_ts": "1.2"}]}


@pytest.mark.parametrize("name, body, content_type, status, reason", [
    ("payload not JSON", b"payload=notjson", None, 400, "cannot be parsed"),
    ("payload a JSON list", b"payload=%5B1%2C2%5D", None, 400, "not an object"),
    ("JSON body a list", b'[{"type": "event_callback"}]', "application/json", 400, "not an object"),
    ("invalid UTF-8", b"payload=%7B%7D&text=\xff\xfe", None, 400, "not UTF-8"),
    ("click without a user", _payload(**{**CLICK, "user": None}), None, 400, "without a user"),
    ("click with empty actions", _payload(**{**CLICK, "actions": []}), None, 400, "without actions"),
    ("command without a user", urlencode({"command": "/report", "text": ""}).encode(), None, 400,
     "without a user"),
])
async def test_malformed_signed_requests_get_400_and_one_line(
        bot: Harness, caplog: pytest.LogCaptureFixture, name: str, body: bytes, content_type: str | None,
        status: int, reason: str) -> None:
    caplog.set_level(logging.DEBUG)
    resp = await post_bytes(bot, body, content_type=content_type or "application/x-www-form-urlencoded")
    assert resp.status == status, (name, resp)
    assert_one_line_without_content(everything(caplog), reason)


async def test_a_non_numeric_timestamp_is_401_not_500(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = urlencode(bot.slash_fields("UREPORTER", GENERAL)).encode()
    resp = await post_bytes(bot, body, timestamp="12e9")
    assert resp.status == 401
    assert_one_line_without_content(everything(caplog), "timestamp not a number")
    assert bot.fake.calls_to("views.open") == []


async def test_a_signed_report_without_a_reporter_id_is_refused_and_not_stored(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    payload = await report_payload(bot)
    payload["user"] = {"id": None, "username": "ghost", "team_id": "T0FAKE"}
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    resp = await post_bytes(bot, urlencode({"payload": json.dumps(payload)}).encode())
    assert resp.status == 400
    assert_one_line_without_content(everything(caplog), "without a user")
    assert await stored_reports(bot) == 0
    assert await bot.drain() == 0


async def test_an_unhandled_signed_request_is_logged_without_its_body(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    # Bolt warns about requests no listener takes, printing the whole body (here a modal cocbot no longer has).
    payload = await report_payload(bot)
    payload["view"] = {**payload["view"], "callback_id": "a_modal_of_an_older_release"}
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    resp = await post_bytes(bot, urlencode({"payload": json.dumps(payload)}).encode())
    assert resp.status == 404
    text = as_logged(everything(caplog))
    assert "ZEBRA" not in text and "UREPORTER" not in text, text
    assert await stored_reports(bot) == 0


async def test_a_genuine_request_still_goes_through(bot: Harness) -> None:
    ref = await bot.report(description=SECRET_TEXT)
    assert ref == "R-0001"
    assert await stored_reports(bot) == 1
