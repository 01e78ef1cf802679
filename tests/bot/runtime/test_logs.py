"""Structured logs: one JSON object per line, and a random request id on the lines of one HTTP request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from cocbot.bot.runtime.logs import log_handler, request_id, request_id_middleware


@pytest.fixture
def json_lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own writing JSON to a buffer (the root logger's handlers stay as the suite set them)."""
    out = io.StringIO()
    handler = log_handler("json")
    handler.setStream(out)  # type: ignore[attr-defined]
    logger = logging.getLogger("cocbot.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield logger, out
    finally:
        logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_record_is_one_json_object_on_one_line(json_lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = json_lines
    logger.warning("two\nlines %s", "here")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    first, second = lines(out)
    assert set(first) == {"time", "level", "logger", "message"}  # no request: no request id
    assert first["level"] == "WARNING" and first["logger"] == "cocbot.test_logs"
    assert first["message"] == "two\nlines here"
    assert first["time"].endswith("+00:00")
    assert second["message"] == "failed" and "ValueError: boom" in second["exception"]


def test_text_format_is_the_plain_line() -> None:
    record = logging.LogRecord("cocbot.x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    assert log_handler("text").format(record).endswith(" INFO cocbot.x: hello there")


async def test_lines_logged_while_handling_a_request_carry_its_random_id(
        json_lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = json_lines

    async def handle(request: web.Request) -> web.Response:
        logger.info("handling")
        logger.info("still handling")
        return web.Response(text="ok")

    app = web.Application(middlewares=[request_id_middleware])
    app.router.add_post("/slack/events", handle)
    async with TestClient(TestServer(app)) as client:
        for _ in range(2):  # the same body twice: the id comes from no part of the request
            async with client.post("/slack/events", data="same body") as response:
                assert response.status == 200
    logger.info("after")
    first, second, third, fourth, after = lines(out)
    assert first["request_id"] == second["request_id"]
    assert third["request_id"] == fourth["request_id"] != first["request_id"]
    assert len(first["request_id"]) == 16
    assert "request_id" not in after and request_id.get() is None
