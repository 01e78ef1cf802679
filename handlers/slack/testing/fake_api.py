"""A local fake of Slack's Web API: an aiohttp server on loopback that answers like Slack, keeps
channels, members, messages and views, injects faults, and records who could see what.

The transcript (`seen`) is what the privacy tests attack: every message or view is attributed to the
people who could read it — channel members at posting time, people invited later (they can scroll
back), the DM recipient, the user a modal was opened for.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from cocbot.handlers.slack.testing.fake_conversations import ConversationMethods
from cocbot.handlers.slack.testing.fake_messages import MessageMethods
from cocbot.handlers.slack.testing.fake_state import Call, FakeChannel, Fault, Seen, flatten

__all__ = ["Call", "FakeChannel", "FakeSlack", "Fault", "Seen", "flatten"]


class FakeSlack(ConversationMethods, MessageMethods):
    """The fake served over HTTP, with what tests use to set it up and read it back (the state is in
    fake_state.py, the Web API methods in fake_conversations.py and fake_messages.py)."""

    def fail(self, method: str, times: int = 1, **fault: Any) -> None:
        for _ in range(times):
            self.faults[method].append(Fault(**fault))

    def hold(self, method: str) -> asyncio.Event:
        """The next call to `method` is answered (normally) only once the returned event is set."""
        release = asyncio.Event()
        self.holds[method].append(release)
        return release

    def issue_trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.{int(time.time())}.{user.lower()}"
        self.triggers[trigger] = (user, time.monotonic(), False)
        return trigger

    # ---- queries for tests ----
    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def seen_by(self, user: str) -> list[Seen]:
        return [s for s in self.seen if s.user == user]

    def who_saw(self, needle: str) -> set[str]:
        return {s.user for s in self.seen if needle in s.text}

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        ch = self.channels.get(channel)
        return ch.messages if ch else []

    def dms_to(self, user: str) -> list[dict[str, Any]]:
        return self.messages_in(f"D{user}")

    def open_view_for(self, user: str) -> dict[str, Any] | None:
        # The modal a person has open: never their App Home tab, which cannot be submitted and may be
        # published (for the first time) after the modal was opened.
        owned = [vid for vid, owner in self.view_owner.items()
                 if owner == user and self.views[vid].get("type") != "home"]
        return self.views[owned[-1]] if owned else None

    def transcript(self) -> str:
        lines = []
        for s in self.seen:
            first = s.text.strip().splitlines()[0] if s.text.strip() else ""
            lines.append(f"{s.user:>10} saw via {s.method} in {s.channel or '-'}: {first[:80]}")
        return "\n".join(lines)

    # ---- server ----
    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/response/{user}", self._response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/api/"
        return self.base_url

    def response_url(self, user: str) -> str:
        return self.base_url.replace("/api/", f"/response/{user}")

    async def _response_url(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        body = await request.json()
        self.responses.append({"user": user, "body": body})
        self._see([user], "response_url", None, body)
        return web.Response(text="ok")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            ctype = request.headers.get("Content-Type", "")
            if "json" in ctype:
                params.update(json.loads(body))
            else:
                params.update(dict(parse_qsl(body.decode(), keep_blank_values=True)))
        for key in ("view", "blocks", "attachments"):
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await self._params(request)
        if self.checker is not None:
            for problem in self.checker(method, params):
                self.violations.append(problem)
        if not request.headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return self._record(method, params, 200, {"ok": False, "error": "not_authed"})
        if self.holds[method]:
            await self.holds[method].popleft().wait()
        if self.faults[method]:
            fault = self.faults[method].popleft()
            if fault.disconnect:
                self._record(method, params, 0, {"ok": False, "error": "disconnected"})
                assert request.transport is not None
                request.transport.close()
                await asyncio.sleep(0.01)
                return web.Response(status=500)
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            body = {"ok": False, "error": fault.error}
            self._record(method, params, fault.status, body)
            return web.json_response(body, status=fault.status, headers=headers)
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            body = {"ok": False, "error": "unknown_method"}
            self.violations.append(f"{method}: the fake does not implement it")
        else:
            body = handler(params)
        return self._record(method, params, 200, body)

    def _record(self, method: str, params: dict[str, Any], status: int, body: dict[str, Any]) -> web.Response:
        self.calls.append(Call(method, params, status, body, time.monotonic()))
        return web.json_response(body, status=status or 500)
