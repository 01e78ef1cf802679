"""The shared end-to-end harness: the real bot (HTTP mode) against the fake Slack, driven by signed
requests the way Slack sends them. Later features extend this instead of copying it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from cocbot.bot.runtime.app import RUNTIME, Runtime, create_web_app
from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import CommunityConfig, parse_config
from cocbot.bot.config.settings import Settings
from cocbot.handlers.slack.testing import markers
from cocbot.handlers.slack.testing.fake_api import FakeSlack

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"

COMMITTEE_CHANNEL = "CCOMMITTEE"
GENERAL = "CGENERAL"
MEMBERS = ("UALICE", "UBOB", "UCAROL")
ESCALATION = "UESCAL"


def config_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "committee": {"channel": COMMITTEE_CHANNEL, "members": list(MEMBERS), "escalation_contact": ESCALATION},
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def make_config(**overrides: Any) -> CommunityConfig:
    return parse_config(config_dict(**overrides))


def sign(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def standard_world(fake: FakeSlack) -> None:
    """A small workspace: the committee channel with the committee and the bot, a general channel."""
    for user in (*MEMBERS, ESCALATION, "UREPORTER", "UMALLORY", "UWITNESS", "UOTHER"):
        fake.add_user(user)
    fake.add_channel(COMMITTEE_CHANNEL, {*MEMBERS, fake.bot_user_id}, name="coc-committee")
    fake.add_channel(GENERAL, {*MEMBERS, "UREPORTER", "UMALLORY", "UWITNESS", "UOTHER"}, name="general",
                     private=False)


@dataclass
class Response:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else {}


class Harness:
    def __init__(self, fake: FakeSlack, config: CommunityConfig, database_url: str,
                 clock: ManualClock | None = None, *, content_keys: tuple[str, ...] = ()) -> None:
        self.fake = fake
        self.content_keys = content_keys
        self.config = config
        self.database_url = database_url
        self.clock = clock or ManualClock()
        # Message timestamps follow the bot's clock, as Slack's follow real time.
        fake.clock = lambda: self.clock.now().timestamp()
        self._runner: web.AppRunner | None = None
        self._app: web.Application | None = None
        self._http: aiohttp.ClientSession | None = None
        self.url = ""
        self._events = 0

    @property
    def settings(self) -> Settings:
        return Settings(slack_bot_token=BOT_TOKEN, slack_app_token=None, slack_signing_secret=SIGNING_SECRET,
                        slack_api_url=self.fake.base_url, database_url=self.database_url,
                        config_path=Path("unused.yml"), port=0, content_keys=self.content_keys)

    @property
    def runtime(self) -> Runtime:
        assert self._app is not None
        return self._app[RUNTIME]

    async def start(self) -> Harness:
        self._app = create_web_app(self.settings, self.config, clock=self.clock, run_worker=False,
                                   run_checks=False)
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self._http = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def restart(self) -> None:
        """A new process on the same database: nothing in memory survives."""
        await self.stop()
        await self.start()

    async def until(self, condition: Any, timeout: float = 5.0) -> None:
        """Wait for work Bolt runs after its ack (e.g. a response_url reply) — not a timing assertion."""
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.01)

    async def drain(self) -> int:
        return await self.runtime.worker.drain()

    # ---- requests as Slack sends them ----
    async def post(self, body: str, content_type: str, *, timestamp: str | None = None,
                   signature: str | None = None, signed: bool = True) -> Response:
        assert self._http is not None
        ts = timestamp or str(int(time.time()))
        headers = {"Content-Type": content_type}
        if signed:
            headers["X-Slack-Request-Timestamp"] = ts
            headers["X-Slack-Signature"] = signature or sign(body, ts)
        async with self._http.post(self.url, data=body.encode(), headers=headers) as resp:
            return Response(resp.status, await resp.text())

    async def post_form(self, fields: dict[str, str], **kw: Any) -> Response:
        return await self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    async def post_payload(self, payload: dict[str, Any], **kw: Any) -> Response:
        return await self.post_form({"payload": json.dumps(payload)}, **kw)

    def slash_fields(self, user: str, channel: str, command: str = "/report", text: str = "") -> dict[str, str]:
        return {
            "token": "legacy", "team_id": "T0FAKE", "team_domain": "fake", "channel_id": channel,
            "channel_name": self.fake.channels[channel].name if channel in self.fake.channels else "dm",
            "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "AFAKE", "response_url": self.fake.response_url(user),
            "trigger_id": self.fake.issue_trigger(user),
        }

    async def slash(self, user: str, channel: str, command: str = "/report", text: str = "", *,
                    expect_view: bool | None = None) -> Response:
        """Send a slash command. For /report, also wait until the bot has asked Slack to open the modal
        (Bolt opens it after acking, so the HTTP response alone does not mean the modal is there)."""
        fields = self.slash_fields(user, channel, command, text)
        resp = await self.post_form(fields)
        if expect_view if expect_view is not None else command == "/report":
            await self.wait_for_trigger(fields["trigger_id"])
        return resp

    async def wait_for_trigger(self, trigger_id: str) -> None:
        await self.until(lambda: any(c.params.get("trigger_id") == trigger_id for c in self.fake.calls
                                     if c.method.startswith("views.")))

    async def message_shortcut(self, user: str, channel: str, *, author: str | None, text: str,
                               ts: str = "1700000000.000100") -> Response:
        markers.note_text(text)
        message: dict[str, Any] = {"type": "message", "text": text, "ts": ts}
        if author:
            message["user"] = author
        payload: dict[str, Any] = {
            "type": "message_action", "callback_id": "report_message", "action_ts": "1700000001.1",
            "team": {"id": "T0FAKE", "domain": "fake"}, "user": {"id": user, "name": user.lower()},
            "channel": {"id": channel, "name": channel.lower()}, "message": message, "message_ts": ts,
            "trigger_id": self.fake.issue_trigger(user), "response_url": self.fake.response_url(user),
            "token": "legacy", "api_app_id": "AFAKE",
        }
        resp = await self.post_payload(payload)
        await self.wait_for_trigger(payload["trigger_id"])
        return resp

    async def submit_view(self, user: str, values: dict[str, Any], view: dict[str, Any] | None = None) -> Response:
        view = view or self.fake.open_view_for(user)
        assert view is not None, f"no modal is open for {user}"
        markers.note_text(*(values.get(block.get("block_id")) for block in view.get("blocks", [])
                            if block.get("type") == "input"
                            and block.get("element", {}).get("type") == "plain_text_input"))
        if view.get("callback_id") == "report_modal":
            markers.note_reporter(user)
        payload = {
            "type": "view_submission", "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"},
            "api_app_id": "AFAKE", "token": "legacy", "trigger_id": self.fake.issue_trigger(user),
            "view": {**view, "state": {"values": state_values(view, values)}}, "response_urls": [],
        }
        return await self.post_payload(payload)

    async def click(self, user: str, action_id: str, value: str, *, channel: str | None = None,
                    message_ts: str | None = None, expect_view: bool = False) -> Response:
        """Click a button; with expect_view, wait until the bot has asked Slack to open its modal."""
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"}, "api_app_id": "AFAKE",
            "token": "legacy", "trigger_id": self.fake.issue_trigger(user),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "action_ts": "1700000002.2", "text": {"type": "plain_text", "text": action_id}}],
            "response_url": self.fake.response_url(user),
        }
        if channel:
            payload["channel"] = {"id": channel, "name": channel.lower()}
            payload["container"] = {"type": "message", "message_ts": message_ts or "", "channel_id": channel}
            payload["message"] = {"ts": message_ts or "", "text": ""}
        resp = await self.post_payload(payload)
        if expect_view:
            await self.wait_for_trigger(payload["trigger_id"])
        return resp

    async def report(self, user: str = "UREPORTER", channel: str = GENERAL, **values: Any) -> str:
        """File a report through /report and the modal; returns its reference."""
        values.setdefault("description", "Something happened that made me uncomfortable.")
        resp = await self.slash(user, channel)
        assert resp.status == 200, resp
        resp = await self.submit_view(user, values)
        assert resp.status == 200, resp
        body = resp.json()
        assert body.get("response_action") == "update", body
        return reference_in(body["view"])


    async def event(self, event: dict[str, Any]) -> Response:
        """An Events API callback (e.g. app_home_opened) as Slack sends it: signed JSON."""
        self._events += 1
        body = {"token": "legacy", "team_id": "T0FAKE", "api_app_id": "AFAKE", "type": "event_callback",
                "event": event, "event_id": f"Ev{self._events:08d}", "event_time": int(time.time()),
                "authorizations": [{"team_id": "T0FAKE", "user_id": self.fake.bot_user_id, "is_bot": True}]}
        return await self.post(json.dumps(body), "application/json")

def reference_in(view: dict[str, Any]) -> str:
    import re

    from cocbot.handlers.slack.testing.fake_api import flatten

    match = re.search(r"R-\d{4,}", flatten(view))
    assert match, "no report reference in the view"
    return match.group(0)


# Input element type → (its key in state.values, the key of its initial value in the view).
_STATE_KEYS = {
    "plain_text_input": ("value", "initial_value"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "users_select": ("selected_user", "initial_user"),
    "datepicker": ("selected_date", "initial_date"),
}


def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The `state.values` Slack would send for a modal, from a block id → value mapping."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id = block["block_id"]
        element = block["element"]
        etype = element["type"]
        given = values.get(block_id)
        entry: dict[str, Any] = {"type": etype}
        if etype in _STATE_KEYS:
            key, initial = _STATE_KEYS[etype]
            entry[key] = given if given is not None else element.get(initial)
        elif etype == "multi_users_select":
            entry["selected_users"] = list(given if given is not None else element.get("initial_users", []))
        elif etype == "checkboxes":
            entry["selected_options"] = [o for o in element["options"] if o["value"] in (given or ())]
        elif etype in ("radio_buttons", "static_select"):
            entry["selected_option"] = element.get("initial_option") if given is None else next(
                (o for o in element["options"] if o["value"] == given),
                {"value": given, "text": {"type": "plain_text", "text": given}})
        state[block_id] = {element["action_id"]: entry}
    unknown = set(values) - set(state)
    assert not unknown, f"no input blocks {sorted(unknown)} in the modal"
    return state
