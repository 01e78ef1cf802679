"""A local fake of Slack's Web API: an aiohttp server on loopback that answers like Slack, keeps
channels, members, messages and views, injects faults, and records who could see what.

The transcript (`seen`) is what the privacy tests attack: every message or view is attributed to the
people who could read it — channel members at posting time, people invited later (they can scroll
back), the DM recipient, the user a modal was opened for.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable
from urllib.parse import parse_qsl

from aiohttp import web


_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


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


class FakeSlack:
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

    # ---- methods ----
    def m_auth_test(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "cocbot",
                "team_id": "T0FAKE", "user_id": self.bot_user_id, "bot_id": "BFAKE"}

    def m_users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(p.get("user", ""))
        if not user:
            return self._err("user_not_found")
        # Slack includes the member's locale (like "es-ES") only when asked with include_locale.
        if str(p.get("include_locale", "")).lower() in ("true", "1"):
            return {"ok": True, "user": user}
        return {"ok": True, "user": {k: v for k, v in user.items() if k != "locale"}}

    def m_conversations_members(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("channel_not_found" if ch.is_private else "not_in_channel")
        members = sorted(ch.members)
        limit = int(p.get("limit") or 100)
        start = int(p.get("cursor") or 0)
        page = members[start:start + limit]
        nxt = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": nxt}}

    def m_users_conversations(self, p: dict[str, Any]) -> dict[str, Any]:
        # A bot token sees someone's private channels only where the bot is a member too.
        user = str(p.get("user") or self.bot_user_id)
        chans = sorted(c.id for c in self.channels.values() if user in c.members and not c.is_archived
                       and (not c.is_private or self.bot_user_id in c.members))
        return {"ok": True, "channels": [{"id": c} for c in chans], "response_metadata": {"next_cursor": ""}}

    def m_conversations_info(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        return {"ok": True, "channel": {"id": ch.id, "name": ch.name, "is_private": ch.is_private,
                                        "is_member": self.bot_user_id in ch.members, "is_archived": ch.is_archived}}

    def m_conversations_create(self, p: dict[str, Any]) -> dict[str, Any]:
        name = str(p.get("name", ""))
        if not _NAME.match(name):
            return self._err("invalid_name_specials")
        if any(c.name == name for c in self.channels.values()):
            return self._err("name_taken")
        private = str(p.get("is_private", "")).lower() in ("true", "1")
        cid = f"{'G' if private else 'C'}{next(self._ids)}"
        self.channels[cid] = FakeChannel(cid, name, private, {self.bot_user_id})
        return {"ok": True, "channel": {"id": cid, "name": name, "is_private": private, "is_channel": True,
                                        "created": int(time.time()), "creator": self.bot_user_id}}

    def m_conversations_invite(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if not users:
            return self._err("no_user")
        unknown = [u for u in users if u not in self.users]
        if unknown:
            return self._err("user_not_found")
        new = [u for u in users if u not in ch.members]
        if not new:
            return self._err("already_in_channel")
        for u in new:
            ch.members.add(u)
            # Joining a channel shows its history.
            for msg in ch.messages:
                self._see([u], "conversations.invite", ch.id, msg)
        return {"ok": True, "channel": {"id": ch.id, "name": ch.name}}

    def m_conversations_kick(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        user = str(p.get("user", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if user == self.bot_user_id:
            return self._err("cant_kick_self")
        if user not in self.users:
            return self._err("user_not_found")
        if user not in ch.members:
            return self._err("not_in_channel")
        ch.members.discard(user)
        return {"ok": True}

    def m_users_lookupByEmail(self, p: dict[str, Any]) -> dict[str, Any]:
        email = str(p.get("email", "")).lower()
        user = next((u for u in self.users.values() if str(u.get("email", "")).lower() == email), None)
        return {"ok": True, "user": user} if user else self._err("users_not_found")

    def m_conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if len(users) != 1 or users[0] not in self.users:
            return self._err("user_not_found")
        ch = self._resolve(users[0])
        assert ch is not None
        return {"ok": True, "channel": {"id": ch.id}}

    def m_chat_postMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("text") and not p.get("blocks"):
            return self._err("no_text")
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if ch.is_archived:
            return self._err("is_archived")
        ts = self._new_ts()
        msg = {"ts": ts, "text": p.get("text", ""), "blocks": p.get("blocks") or [],
               "thread_ts": p.get("thread_ts"), "user": self.bot_user_id,
               "unfurl_links": p.get("unfurl_links"), "unfurl_media": p.get("unfurl_media")}
        if p.get("metadata") is not None:
            metadata = json.loads(p["metadata"]) if isinstance(p["metadata"], str) else p["metadata"]
            if not isinstance(metadata, dict) or not metadata.get("event_type") \
                    or not isinstance(metadata.get("event_payload"), dict):
                return self._err("invalid_metadata_format")
            msg["metadata"] = metadata
        ch.messages.append(msg)
        self._see(ch.members, "chat.postMessage", ch.id, {"text": msg["text"], "blocks": msg["blocks"]})
        return {"ok": True, "channel": ch.id, "ts": ts, "message": msg}

    def _readable(self, p: dict[str, Any]) -> FakeChannel | dict[str, Any]:
        channel = str(p.get("channel", ""))
        if channel.startswith(("U", "W")):  # history takes conversation ids, never user ids
            return self._err("channel_not_found")
        ch = self._resolve(channel)
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        return ch

    @staticmethod
    def _listed(messages: list[dict[str, Any]], p: dict[str, Any]) -> dict[str, Any]:
        oldest = float(p.get("oldest") or 0)
        limit = int(p.get("limit") or 100)
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        newer = [m for m in messages if float(m["ts"]) > oldest]
        shown = []
        for m in newer[:limit]:
            out = {"type": "message", "user": m["user"], "ts": m["ts"], "text": m["text"], "blocks": m["blocks"]}
            if m.get("thread_ts"):
                out["thread_ts"] = m["thread_ts"]
            if with_metadata and "metadata" in m:
                out["metadata"] = m["metadata"]
            shown.append(out)
        return {"ok": True, "messages": shown, "has_more": len(newer) > limit}

    def m_conversations_history(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._readable(p)
        if isinstance(ch, dict):
            return ch
        top = [m for m in ch.messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
        return self._listed(sorted(top, key=lambda m: float(m["ts"]), reverse=True), p)  # newest first

    def m_conversations_replies(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._readable(p)
        if isinstance(ch, dict):
            return ch
        parent = str(p.get("ts", ""))
        thread = [m for m in ch.messages if m["ts"] == parent or m.get("thread_ts") == parent]
        if not thread:
            return self._err("thread_not_found")
        return self._listed(sorted(thread, key=lambda m: float(m["ts"])), p)  # oldest first

    def m_chat_update(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        for msg in ch.messages:
            if msg["ts"] == p.get("ts"):
                msg["text"] = p.get("text", msg["text"])
                msg["blocks"] = p.get("blocks") or msg["blocks"]
                self._see(ch.members, "chat.update", ch.id, {"text": msg["text"], "blocks": msg["blocks"]})
                return {"ok": True, "channel": ch.id, "ts": msg["ts"], "text": msg["text"]}
        return self._err("message_not_found")

    def m_chat_delete(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        for msg in ch.messages:
            if msg["ts"] == str(p.get("ts", "")):
                if msg["user"] != self.bot_user_id:
                    return self._err("cant_delete_message")
                # A deleted thread parent leaves its replies, as in Slack; each reply is deleted on its own.
                ch.messages.remove(msg)
                return {"ok": True, "channel": ch.id, "ts": msg["ts"]}
        return self._err("message_not_found")

    def m_conversations_archive(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None or ch.id.startswith("D"):
            return self._err("channel_not_found" if ch is None else "method_not_supported_for_channel_type")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if ch.is_archived:
            return self._err("already_archived")
        ch.is_archived = True
        return {"ok": True}

    def m_chat_postEphemeral(self, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user", ""))
        if user not in self.users:
            return self._err("user_not_found")
        self._see([user], "chat.postEphemeral", p.get("channel"), {"text": p.get("text"), "blocks": p.get("blocks")})
        return {"ok": True, "message_ts": self._new_ts()}

    def m_chat_getPermalink(self, p: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(p.get("channel", "")), str(p.get("message_ts", ""))
        if channel not in self.channels and not channel.startswith("D"):
            return self._err("channel_not_found")
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"}

    def _store_view(self, view: dict[str, Any], owner: str, view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids)}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}", "team_id": "T0FAKE",
                  "app_id": "AFAKE", "bot_id": "BFAKE"}
        self.views[view_id] = stored
        self.view_owner[view_id] = owner
        self._see([owner], "views", None, view)
        return stored

    def m_views_open(self, p: dict[str, Any]) -> dict[str, Any]:
        trigger = str(p.get("trigger_id", ""))
        if trigger not in self.triggers:
            return self._err("invalid_trigger_id")
        user, issued, used = self.triggers[trigger]
        if used:
            return self._err("exchanged_trigger_id")
        if time.monotonic() - issued > self.trigger_window:
            return self._err("expired_trigger_id")
        self.triggers[trigger] = (user, issued, True)
        if not isinstance(p.get("view"), dict):
            return self._err("invalid_arguments")
        return {"ok": True, "view": self._store_view(p["view"], user)}

    def m_views_push(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.m_views_open(p)

    def m_views_update(self, p: dict[str, Any]) -> dict[str, Any]:
        view_id = str(p.get("view_id", ""))
        if view_id not in self.views:
            return self._err("not_found")
        return {"ok": True, "view": self._store_view(p["view"], self.view_owner[view_id], view_id)}

    def m_views_publish(self, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user_id", ""))
        if user not in self.users:
            return self._err("user_not_found")
        return {"ok": True, "view": self._store_view(p["view"], user, f"VHOME{user}")}
