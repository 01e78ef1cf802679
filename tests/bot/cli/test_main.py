"""`cocbot run` with bad settings says what is wrong, without a traceback, and exits non-zero."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fakes.specs import REPO
from tests.ports import free_port

if TYPE_CHECKING:
    import asyncio

    import aiohttp

    from tests.fakes.slack import FakeSlack


def cocbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cocbot.bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def clean_env(**kw: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COCBOT_", "DATABASE_URL", "PORT"))}
    env.update(kw)
    return env


async def until_ready(http: aiohttp.ClientSession, port: int) -> None:
    """Wait for a `cocbot run` subprocess to answer /healthz (it is starting, not slow: no timing asserted)."""
    import asyncio

    import aiohttp

    for _ in range(1200):  # a bound for a machine under load, not a latency expectation
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            await asyncio.sleep(0.05)
    raise AssertionError("cocbot run never became ready")


def create_database(path: Path) -> None:
    """The bot's database as `cocbot run` leaves it (the other commands never create one)."""
    import asyncio

    from cocbot.storage.db import Database

    async def create() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await db.create_schema()
        finally:
            await db.dispose()

    asyncio.run(create())


def test_run_without_settings_names_every_problem(tmp_path: Path) -> None:
    result = cocbot("run", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "COCBOT_CONFIG"):
        assert name in result.stderr


def test_run_with_an_invalid_config_names_the_keys(tmp_path: Path) -> None:
    (tmp_path / "cocbot.yml").write_text("committee:\n  channel: general\n  members: []\n")
    result = cocbot("run", env=clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "committee.channel" in result.stderr and "committee.escalation_contact" in result.stderr


def test_check_config_refuses_the_unedited_example_naming_each_placeholder(tmp_path: Path) -> None:
    result = cocbot("check-config", str(REPO / "cocbot.example.yml"), env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for key, value in (("committee.channel", "C0123COMMIT"), ("committee.members", "U01AAA, U02BBB, U03CCC"),
                       ("committee.escalation_contact", "U09ZZZ")):
        assert f"{key}: {value}" in result.stderr, key
    edited = (REPO / "cocbot.example.yml").read_text()
    for example, own in (("C0123COMMIT", "C7COMMITTEE"), ("U01AAA", "U7ANNA"), ("U02BBB", "U7BEN"),
                         ("U03CCC", "U7CHLOE"), ("U09ZZZ", "U7ESTHER")):
        edited = edited.replace(example, own)
    (tmp_path / "cocbot.yml").write_text(edited)
    result = cocbot("check-config", "cocbot.yml", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_check_config_refuses_the_unedited_discourse_only_example(tmp_path: Path) -> None:
    result = cocbot("check-config", str(REPO / "cocbot.discourse.example.yml"), env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for key in ("discourse.api_key", "discourse.webhook_secret", "discourse.base_url", "discourse.public_url"):
        assert f"{key}: " in result.stderr, key
    edited = (REPO / "cocbot.discourse.example.yml").read_text()
    edited = re.sub(r'api_key: "[^"]*"', 'api_key: "' + "a1" * 32 + '"', edited)
    edited = re.sub(r'webhook_secret: "[^"]*"', 'webhook_secret: "' + "s3cr3t-" * 6 + '"', edited)
    edited = edited.replace("forum.example.org", "forum.our-community.test").replace(
        "cocbot.example.org", "cocbot.our-community.test")
    (tmp_path / "cocbot.yml").write_text(edited)
    result = cocbot("check-config", "cocbot.yml", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "private messages on Discourse (no Slack)" in result.stdout


def test_run_refuses_the_published_webhook_secret(tmp_path: Path) -> None:
    config = (REPO / "cocbot.discourse.example.yml").read_text()
    config = config.replace("forum.example.org", "forum.our-community.test").replace(
        "cocbot.example.org", "cocbot.our-community.test")
    config = re.sub(r'api_key: "[^"]*"', 'api_key: "' + "a1" * 32 + '"', config)
    (tmp_path / "cocbot.yml").write_text(config)
    result = cocbot("run", env=clean_env(PORT="0"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "discourse.webhook_secret: still the placeholder from the example config" in result.stderr
    assert not (tmp_path / "cocbot.sqlite3").exists()  # refused before anything started


async def test_cocbot_run_serves_slack_over_http_against_the_fake(tmp_path: Path) -> None:
    """The README's `cocbot run`, as a real process: ready, health, a signed /report opens the modal."""
    import asyncio
    import time as _time
    from urllib.parse import urlencode

    import aiohttp

    from tests.fakes.slack import FakeSlack
    from tests.harness import SIGNING_SECRET, sign, standard_world

    fake = FakeSlack()
    standard_world(fake)
    fake.channels["CCOMMITTEE"].members.add("UOTHER")  # an outsider: the operator must be told
    await fake.start()
    port = free_port()
    (tmp_path / "cocbot.yml").write_text(
        "committee:\n  channel: CCOMMITTEE\n  members: [UALICE, UBOB, UCAROL]\n  escalation_contact: UESCAL\n")
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.base_url,
                    PORT=str(port), HOST="127.0.0.1")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cocbot.bot", "run", cwd=tmp_path, env=env,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as http:
            await until_ready(http, port)
            fields = {"command": "/report", "user_id": "UREPORTER", "channel_id": "CGENERAL", "text": "",
                      "trigger_id": fake.issue_trigger("UREPORTER"), "team_id": "T0FAKE",
                      "response_url": fake.response_url("UREPORTER")}
            body = urlencode(fields)
            ts = str(int(_time.time()))
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "X-Slack-Request-Timestamp": ts,
                                          "X-Slack-Signature": sign(body, ts)}) as r:
                assert r.status == 200
        for _ in range(200):
            if fake.calls_to("views.open"):
                break
            await asyncio.sleep(0.02)
        assert fake.calls_to("views.open")[0].response["ok"]
        assert (tmp_path / "cocbot.sqlite3").exists()
    finally:
        proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
        await fake.stop()
    log = stderr.decode()
    assert "not on the committee" in log
    assert "Traceback" not in log


def test_keygen_and_reseal_switch_encryption_on(tmp_path: Path) -> None:
    from cocbot.storage.content import check_key

    key = cocbot("keygen", env=clean_env(), cwd=tmp_path).stdout.strip()
    assert check_key(key) is None
    (tmp_path / "cocbot.yml").write_text("x: 1\n")  # reseal needs the settings, not the community config
    create_database(tmp_path / "db.sqlite3")
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", COCBOT_CONTENT_KEYS=key)
    result = cocbot("content", "reseal", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "resealed 0 rows" in result.stdout and "encrypted under the first key" in result.stdout
    bad = cocbot("content", "reseal", env={**env, "COCBOT_CONTENT_KEYS": "nope"}, cwd=tmp_path)
    assert bad.returncode == 2 and "COCBOT_CONTENT_KEYS: key 1 is not a content key" in bad.stderr


def test_run_for_a_discourse_only_community_lists_every_settings_problem_at_once(tmp_path: Path) -> None:
    (tmp_path / "cocbot.yml").write_text((REPO / "cocbot.discourse.example.yml").read_text())
    result = cocbot("run", env=clean_env(SLACK_BOT_TOKEN="xoxb-1", PORT="http"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no committee section for Slack" in result.stderr  # the real problem, named first time round
    assert "PORT must be a TCP port number" in result.stderr
    assert "SLACK_SIGNING_SECRET" not in result.stderr


def test_database_commands_refuse_a_database_that_does_not_exist_and_never_create_it(tmp_path: Path) -> None:
    (tmp_path / "cocbot.yml").write_text((REPO / "cocbot.example.yml").read_text())
    missing = tmp_path / "typo.sqlite3"
    env = clean_env(DATABASE_URL=f"sqlite:///{missing}")
    for command in (["bans"], ["bans", "--all"], ["calls", "list"], ["content", "reseal"], ["backup", "b.sqlite3"]):
        result = cocbot(*command, env=env, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "No bans" not in result.stdout
        assert f"DATABASE_URL points at {missing}, which does not exist" in result.stderr, command
        assert not missing.exists(), command
    # The default (no DATABASE_URL) is refused the same way in a directory without the bot's database.
    result = cocbot("bans", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2 and "cocbot.sqlite3, which does not exist" in result.stderr
    assert not (tmp_path / "cocbot.sqlite3").exists()


async def test_cocbot_bans_reads_an_encrypted_database_with_the_bots_content_keys(tmp_path: Path) -> None:
    import asyncio
    from datetime import datetime, timezone

    from cocbot.storage import reports as reports_q
    from cocbot.storage import triage as triage_q
    from cocbot.storage.content import ContentSeal, new_key
    from cocbot.storage.db import Database
    from cocbot.storage.reports import NewReport

    key, now = new_key(), datetime.now(timezone.utc)
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    db = Database(url, seal=ContentSeal([key]))
    try:
        await db.create_schema()
        async with db.transaction() as s:
            report, _ = await reports_q.create_report(s, NewReport(
                idempotency_key="k1", platform="slack", source="command", anonymity="anonymous", reporter="UREP",
                description="what happened", implicated=("UBANNED",)), now)
            did, _ = await triage_q.add_decision(s, report_id=report.id, key="d", actor="UA", now=now,
                                                 outcome="permanent_ban", message="m", announcement=None,
                                                 announce_channel=None)
            await triage_q.add_ban(s, report_id=report.id, decision_id=did, now=now, outcome="permanent_ban",
                                   subjects=("UBANNED",), scope="all spaces", ends_at=None)
    finally:
        await db.dispose()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3", COCBOT_CONTENT_KEYS=key)
    result = await asyncio.to_thread(cocbot, "bans", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "UBANNED" in result.stdout and "all spaces" in result.stdout
    # Without the key: said so, with the setting to set, and no traceback.
    env.pop("COCBOT_CONTENT_KEYS")
    result = await asyncio.to_thread(cocbot, "bans", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "COCBOT_CONTENT_KEYS" in result.stderr and "Traceback" not in result.stderr


# ---- start-up against a Slack that refuses the token or cannot be reached ----

class Process:
    """A `cocbot run` subprocess whose log is read while it runs."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        import asyncio

        self.proc = proc
        self.lines: list[str] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def until(self, condition: Any, what: str) -> None:
        """Wait for something the process does (it is starting or retrying, not slow: no timing asserted)."""
        import asyncio

        for _ in range(1200):
            if condition():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{what} never happened; log so far:\n{self.log}")

    async def exit_code(self) -> int:
        import asyncio

        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout=60)
        except TimeoutError:
            raise AssertionError(f"cocbot run did not stop; log:\n{self.log}") from None
        await self._reader
        return code

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
        await self.exit_code()


async def start_cocbot(tmp_path: Path, **settings: str) -> tuple[Process, int]:
    import asyncio

    port = free_port()
    (tmp_path / "cocbot.yml").write_text(
        "committee:\n  channel: CCOMMITTEE\n  members: [UALICE, UBOB, UCAROL]\n  escalation_contact: UESCAL\n")
    env = clean_env(PORT=str(port), HOST="127.0.0.1", **settings)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cocbot.bot", "run", cwd=tmp_path, env=env,
                                                stderr=asyncio.subprocess.PIPE)
    return Process(proc), port


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections while the block lasts. Bound and never listening: a port
    merely closed could be handed to another test's server (pytest-xdist) and answer."""
    import socket

    with socket.socket() as s:  # no SO_REUSEADDR: nobody else can bind it meanwhile
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


async def refused_start(tmp_path: Path, fake: FakeSlack, **settings: str) -> Process:
    """cocbot started against `fake` (the standard workspace), once it has stopped with exit status 2."""
    from tests.harness import standard_world

    standard_world(fake)
    await fake.start()
    try:
        bot, _ = await start_cocbot(tmp_path, SLACK_API_URL=fake.base_url, **settings)
        assert await bot.exit_code() == 2
    finally:
        await fake.stop()
    return bot


async def test_a_bot_token_slack_refuses_stops_cocbot_with_one_clear_message(tmp_path: Path) -> None:
    from cocbot.handlers.slack.testing.fake_api import Fault
    from tests.fakes.slack import FakeSlack
    from tests.harness import SIGNING_SECRET

    fake = FakeSlack()
    fake.faults["auth.test"].append(Fault(status=200, error="invalid_auth"))
    bot = await refused_start(tmp_path, fake, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET=SIGNING_SECRET)
    assert bot.log.count("Slack refused SLACK_BOT_TOKEN (invalid_auth)") == 1, bot.log
    assert "Traceback" not in bot.log and "invite the bot" not in bot.log


async def test_socket_mode_with_slack_unreachable_opens_the_port_and_retries_one_line_at_a_time(
        tmp_path: Path) -> None:
    import aiohttp

    with refusing_port() as slack_port:
        bot, port = await start_cocbot(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-A1-1-x",
                                       SLACK_API_URL=f"http://127.0.0.1:{slack_port}/api/")
        try:
            async with aiohttp.ClientSession() as http:
                await until_ready(http, port)  # health answers although Slack never did
            await bot.until(lambda: bot.log.count("Socket Mode: Slack unreachable") >= 3,
                            "three connection attempts")
            await bot.until(lambda: "the committee channel CCOMMITTEE is checked once it answers" in bot.log,
                            "the operator told why the committee channel is not checked")
        finally:
            await bot.stop()
    attempts = [line for line in bot.lines if "Socket Mode: Slack unreachable" in line]
    assert "attempt 1, next in 1 s" in attempts[0] and "attempt 2, next in 2 s" in attempts[1]
    assert "Traceback" not in bot.log and "invite the bot" not in bot.log
    assert all(line[:4].isdigit() for line in bot.lines), bot.log  # every line a log line: no stack frames


async def test_an_app_token_slack_refuses_stops_cocbot_with_one_clear_message(tmp_path: Path) -> None:
    from tests.fakes.slack import FakeSlack

    fake = FakeSlack()  # answers not_authed to any token but a bot token, as Slack does to a bad one
    bot = await refused_start(tmp_path, fake, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-A1-1-wrong")
    assert bot.log.count("Slack refused SLACK_APP_TOKEN (not_authed)") == 1, bot.log
    assert "Traceback" not in bot.log


async def test_a_start_and_stop_logs_no_library_noise_and_metrics_can_have_a_port_of_their_own(
        tmp_path: Path) -> None:
    import aiohttp

    from tests.fakes.slack import FakeSlack
    from tests.harness import SIGNING_SECRET, standard_world

    fake = FakeSlack()
    standard_world(fake)
    await fake.start()
    metrics_port = free_port()
    try:
        bot, port = await start_cocbot(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                                       SLACK_API_URL=fake.base_url, COCBOT_METRICS_PORT=str(metrics_port))
        try:
            async with aiohttp.ClientSession() as http:
                await until_ready(http, port)
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    assert response.status == 404  # not on the public port when it has its own
                async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
                    assert response.status == 200 and "cocbot_outbox_pending" in await response.text()
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    assert response.status == 200, await response.text()
        finally:
            await bot.stop()
    finally:
        await fake.stop()
    assert "cocbot ready" in bot.log
    for noise in ("token will be unused", "apscheduler", "Unclosed client session", "Traceback"):
        assert noise not in bot.log, bot.log


def test_run_refuses_an_unknown_log_level_naming_the_choices(tmp_path: Path) -> None:
    result = cocbot("run", "--log-level", "loud", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--log-level: invalid choice: 'LOUD'" in result.stderr and "DEBUG" in result.stderr


def test_log_level_takes_any_case() -> None:
    from cocbot.bot.cli.main import build_parser

    assert build_parser().parse_args(["run", "--log-level", "debug"]).log_level == "DEBUG"


def test_an_unknown_log_format_is_refused_with_the_other_settings(tmp_path: Path) -> None:
    result = cocbot("run", env=clean_env(COCBOT_LOG_FORMAT="xml"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "COCBOT_LOG_FORMAT" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr


def test_run_help_lists_every_environment_variable_cocbot_reads() -> None:
    from cocbot.bot.cli.main import RUN_ENVIRONMENT

    read = set()
    for module in ("bot/config/settings.py", "bot/runtime/eventloop.py"):
        read |= set(re.findall(r'get\("([A-Z][A-Z_]+)"', (REPO / module).read_text()))
    table = set(re.findall(r"^\| `([A-Z][A-Z_]+)` \|", (REPO / "README.md").read_text(), re.MULTILINE))
    assert "COCBOT_EVENT_LOOP" in read and "COCBOT_LOG_FORMAT" in table
    listed = set(re.findall(r"^  ([A-Z][A-Z_]+) ", RUN_ENVIRONMENT, re.MULTILINE))
    assert listed == read | table


def test_run_help_shows_the_environment(tmp_path: Path) -> None:
    result = cocbot("run", "--help", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0 and "COCBOT_LOG_FORMAT" in result.stdout and "SLACK_SIGNING_SECRET" in result.stdout


def test_every_option_and_argument_has_help_text() -> None:
    import argparse

    from cocbot.bot.cli.main import build_parser

    missing = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)
            elif not action.help:
                missing.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser())
    assert missing == []


def test_check_config_says_a_missing_file_does_not_exist(tmp_path: Path) -> None:
    result = cocbot("check-config", "missing.yml", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("cocbot check-config: missing.yml does not exist (`cocbot init missing.yml` "
                                     "writes a starting config)")


async def test_json_logs_are_one_object_a_line_and_a_request_s_lines_carry_its_id(tmp_path: Path) -> None:
    import json

    import aiohttp

    from tests.fakes.slack import FakeSlack
    from tests.harness import SIGNING_SECRET, standard_world

    fake = FakeSlack()
    standard_world(fake)
    await fake.start()
    try:
        bot, port = await start_cocbot(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                                       SLACK_API_URL=fake.base_url, COCBOT_LOG_FORMAT="json")
        try:
            async with aiohttp.ClientSession() as http:
                await until_ready(http, port)
                for _ in range(2):  # unsigned: refused, and the refusal is logged while handling the request
                    async with http.post(f"http://127.0.0.1:{port}/slack/events", data="x=1") as response:
                        assert response.status == 401
        finally:
            await bot.stop()
    finally:
        await fake.stop()
    records = [json.loads(line) for line in bot.log.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any("cocbot ready" in r["message"] for r in records)
    refused = [r for r in records if r["message"].startswith("refused a request")]
    assert len(refused) == 2 and refused[0]["request_id"] != refused[1]["request_id"]
    assert all("request_id" not in r for r in records if "cocbot ready" in r["message"])
