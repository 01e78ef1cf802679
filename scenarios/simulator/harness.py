"""The shared end-to-end harness: the real bot (HTTP mode) against the fake Slack, driven by signed
requests the way Slack sends them. Later features extend this instead of copying it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
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
from cocbot.handlers.slack import answering
from cocbot.handlers.slack.testing import markers
from cocbot.handlers.slack.testing.fake_api import FakeSlack, flatten

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
    # A submission Slack was answered "being saved" (storing outlasted the answer budget); `text` is then
    # the view the modal was updated with once the outcome was known (see Harness.submit_view).
    saving: bool = False

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
        # Set while storing_slowly() holds storing back until Slack has had its answer.
        self._answered: asyncio.Event | None = None

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

    async def submit_view(self, user: str, values: dict[str, Any], view: dict[str, Any] | None = None, *,
                          settle: bool = True) -> Response:
        """Submit a modal. With settle (the default) this returns once the bot has finished with it, and
        what the member ends up seeing: Slack's answer, or — when storing outlasted the answer budget and Slack
        was answered "being saved" (a loaded machine, a locked database) — the view the modal was updated
        with once the outcome was known (`saving` is then set). Either way what was submitted is stored, or
        known not to be, before a test goes on (drains the outbox, reads the report). With settle=False: Slack's
        answer as soon as it has it (a test that holds the storing back itself)."""
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
        resp = await self._answer(payload)
        if not settle:
            return resp
        await self.settle()
        return self.as_seen(resp, str(view.get("id")))

    def as_seen(self, answer: Response, view_id: str) -> Response:
        """A settled submission's answer as the member ends up seeing it (see submit_view)."""
        body = answer.json() if answer.status == 200 else {}
        if (body.get("view") or {}).get("callback_id") != answering.SAVING_CALLBACK:
            return answer
        updates = [c for c in self.fake.calls if c.method == "views.update" and c.params.get("view_id") == view_id]
        if not updates:  # the update failed (the modal was closed meanwhile): "being saved" is what stays
            return answer
        final = {"response_action": "update", "view": updates[-1].params["view"]}
        return Response(answer.status, json.dumps(final), saving=True)

    async def _answer(self, payload: dict[str, Any]) -> Response:
        """Post an interaction; while storing is held back (storing_slowly), it goes on once Slack
        has this answer."""
        if self._answered is not None:
            self._answered.clear()
        try:
            return await self.post_payload(payload)
        finally:
            if self._answered is not None:
                self._answered.set()

    async def settle(self, timeout: float = 60.0) -> None:
        """Wait for the Bolt listeners still running after their ack (they open modals, store things). The
        timeout is a hang guard, not a timing assertion."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        current = asyncio.current_task()
        while pending := [t for t in asyncio.all_tasks() if t is not current and not t.done() and is_listener(t)]:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot's handlers did not finish within {timeout:g} s")
            await asyncio.wait(pending, timeout=remaining)

    @contextlib.contextmanager
    def storing_slowly(self) -> Iterator[None]:
        """Every database transaction waits until Slack has had the answer of the interaction being posted,
        however idle or loaded the machine is. A modal submission then takes the slow path (answered "being
        saved", its modal updated once stored); a listener that waited on the database before acknowledging
        would not be answered in time (Bolt answers empty after 3 s and logs that ack() was not called)."""
        answered = self._answered = asyncio.Event()
        answered.set()  # until an interaction is posted: the test's own reads go ahead
        db = self.runtime.db
        transaction = db.transaction

        @contextlib.asynccontextmanager
        async def after_the_answer() -> AsyncIterator[Any]:
            await answered.wait()
            async with transaction() as session:
                yield session

        budget = answering.ANSWER_BUDGET_SECONDS
        # No need to sit out the real budget: storing cannot finish before the answer either way.
        answering.ANSWER_BUDGET_SECONDS = 0.0
        db.transaction = after_the_answer  # type: ignore[method-assign]
        try:
            yield
        finally:
            answering.ANSWER_BUDGET_SECONDS = budget
            del db.transaction
            self._answered = None

    async def submitted_reference(self, answer: Response | dict[str, Any], view_id: str) -> str:
        """The reference a report submission ends on. Slack gets an answer within its 3 seconds either way:
        the confirmation itself, or — when storing outlasts the answer budget (a loaded machine, a locked
        database) — "being saved", and the confirmation follows as an update of the modal once the report is
        stored. Both are right; waiting for the second also means the report and its outbox rows are
        persisted before the caller goes on (e.g. to drain the outbox)."""
        if isinstance(answer, Response):
            assert answer.status == 200, answer
        body = answer.json() if isinstance(answer, Response) else answer
        assert body.get("response_action") == "update", body
        if _REFERENCE.search(flatten(body["view"])):
            return reference_in(body["view"])

        def updates() -> list[Any]:
            return [c for c in self.fake.calls if c.method == "views.update" and c.params.get("view_id") == view_id]

        # A hang guard, not a timing assertion: a slow submission always ends on an update, stored or not.
        await self.until(lambda: bool(updates()), timeout=60)
        [update] = updates()
        return reference_in(update.params["view"])

    async def click(self, user: str, action_id: str, value: str, *, channel: str | None = None,
                    message_ts: str | None = None, expect_view: bool = False, settle: bool = True) -> Response:
        """Click a button. Buttons are acknowledged at once and do their work after (storing can outlast
        Slack's 3 seconds): with settle (the default) this returns once that work is done; with expect_view it
        also checks the bot asked Slack to open its modal."""
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
        resp = await self._answer(payload)
        if settle:
            await self.settle()
        if expect_view:
            await self.wait_for_trigger(payload["trigger_id"])
        return resp

    async def report(self, user: str = "UREPORTER", channel: str = GENERAL, **values: Any) -> str:
        """File a report through /report and the modal; returns its reference."""
        values.setdefault("description", "Something happened that made me uncomfortable.")
        resp = await self.slash(user, channel)
        assert resp.status == 200, resp
        view = self.fake.open_view_for(user)
        assert view is not None, f"no modal is open for {user}"
        return await self.submitted_reference(await self.submit_view(user, values, view), str(view["id"]))


    async def event(self, event: dict[str, Any]) -> Response:
        """An Events API callback (e.g. app_home_opened) as Slack sends it: signed JSON."""
        self._events += 1
        body = {"token": "legacy", "team_id": "T0FAKE", "api_app_id": "AFAKE", "type": "event_callback",
                "event": event, "event_id": f"Ev{self._events:08d}", "event_time": int(time.time()),
                "authorizations": [{"team_id": "T0FAKE", "user_id": self.fake.bot_user_id, "is_bot": True}]}
        return await self.post(json.dumps(body), "application/json")

def is_listener(task: asyncio.Task[Any]) -> bool:
    """Whether a task is Bolt running a listener (after its ack, or lazily)."""
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    return code is not None and "slack_bolt" in code.co_filename


_REFERENCE = re.compile(r"R-\d{4,}")


def reference_in(view: dict[str, Any]) -> str:
    match = _REFERENCE.search(flatten(view))
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
        elif etype == "multi_conversations_select":
            entry["selected_conversations"] = list(given if given is not None
                                                   else element.get("initial_conversations", []))
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
