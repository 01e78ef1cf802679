"""Log output: plain text for a terminal, or one JSON object per line for a log collector, with the id of the
HTTP request a line was logged while handling (so one request's lines can be found together)."""

from __future__ import annotations

import json
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timezone

from aiohttp import web

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Random, never derived from the request: a hash of a body or a user id would put report content or a
# reporter's identity into every log line of the request.
request_id: ContextVar[str | None] = ContextVar("cocbot_request_id", default=None)


@web.middleware
async def request_id_middleware(request: web.Request,
                                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    token = request_id.set(secrets.token_hex(8))
    try:
        return await handler(request)
    finally:
        request_id.reset(token)


class _RequestId(logging.Filter):
    """Stamps the record when it is logged: the formatter may run later, outside the request's context."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; newlines in a message or traceback are escaped, never split across lines."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            line["request_id"] = rid
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def log_handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestId())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler
