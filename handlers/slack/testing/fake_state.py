"""The fake Slack's world and what it records: users, channels with their messages, views, the calls made
and who could see what (`seen`), with the helpers its Web API methods share (fake_api.py serves them;
fake_conversations.py and fake_messages.py implement them).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float


@dataclass
class Seen:
    user: str
    method: str
    channel: str | None
    text: str
    call_index: int


@dataclass
class FakeChannel:
    id: str
    name: str
    is_private: bool
    members: set[str]
    messages: list[dict[str, Any]] = field(default_factory=list)
    is_archived: bool = False


@dataclass
class Fault:
    status: int = 500
    error: str = "internal_error"
    retry_after: int | None = None
    disconnect: bool = False


def flatten(value: Any) -> str:
    """Every string inside a message or view, joined: what a person could read."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for item in v.values():
                walk(item)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)

    walk(value)
    return "\n".join(out)

class FakeState:
    """The world and the records; FakeSlack (fake_api.py) is the one to construct."""

    bot_user_id = "UBOT"

    def __init__(self, *, checker: Callable[[str, dict[str, Any]], list[str]] | None = None) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.calls: list[Call] = []
        self.seen: list[Seen] = []
        self.violations: list[str] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owner: dict[str, str] = {}
        self.triggers: dict[str, tuple[str, float, bool]] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        # Bodies posted to a command's or action's response_url (they are not Web API calls).
        self.responses: list[dict[str, Any]] = []
        # Checks each call against Slack's published specs (tests pass one; the demo runs without).
        self.checker = checker
        self.trigger_window = 3.0
        # Where message timestamps come from (seconds since the epoch); tests on a manual clock set it.
        self.clock: Callable[[], float] = time.time
        self._last_ts = 0.0
        # Calls answered only once released (hold()): a platform call that hangs.
        self.holds: dict[str, deque[asyncio.Event]] = defaultdict(deque)
        self._ids = itertools.count(1000)
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.add_user(self.bot_user_id, "cocbot", is_bot=True)

    # ---- world set-up ----
    def add_user(self, user_id: str, name: str | None = None, *, is_bot: bool = False,
                 tz: str = "Europe/Berlin", locale: str = "en-US") -> None:
        self.users[user_id] = {"id": user_id, "name": name or user_id.lower(), "is_bot": is_bot, "tz": tz,
                               "real_name": name or user_id, "locale": locale}

    def set_email(self, user_id: str, email: str) -> None:
        self.users[user_id]["email"] = email

    def add_channel(self, channel_id: str, members: set[str] | list[str], *, name: str | None = None,
                    private: bool = True) -> FakeChannel:
        for m in members:
            if m not in self.users:
                self.add_user(m)
        ch = FakeChannel(channel_id, name or channel_id.lower(), private, set(members))
        self.channels[channel_id] = ch
        return ch

    def _see(self, users: set[str] | list[str], method: str, channel: str | None, content: Any) -> None:
        text = flatten(content)
        for u in users:
            if u != self.bot_user_id:
                self.seen.append(Seen(u, method, channel, text, len(self.calls)))

    @staticmethod
    def _err(error: str) -> dict[str, Any]:
        return {"ok": False, "error": error}

    def _resolve(self, channel: str) -> FakeChannel | None:
        if channel.startswith(("U", "W")) and channel in self.users:
            channel = f"D{channel}"
        if channel.startswith("D") and channel not in self.channels:
            user = channel[1:]
            if user not in self.users:
                return None
            self.channels[channel] = FakeChannel(channel, channel, True, {user, self.bot_user_id})
        return self.channels.get(channel)

    def _new_ts(self) -> str:
        # Slack's ts is the posting time in microseconds, unique per channel; here unique overall.
        self._last_ts = max(round(self.clock(), 6), round(self._last_ts + 0.000001, 6))
        return f"{self._last_ts:.6f}"
