"""`cocbot run` with bad settings says what is wrong, without a traceback, and exits non-zero."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.fakes.specs import REPO

if TYPE_CHECKING:
    import aiohttp


def cocbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def clean_env(**kw: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COCBOT_", "DATABASE_URL", "PORT"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(kw)
    return env


async def until_ready(http: "aiohttp.ClientSession", port: int) -> None:
    """Wait for a `cocbot run` subprocess to answer /healthz (it is starting, not slow: no timing asserted)."""
    import asyncio

    import aiohttp

    for _ in range(200):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            await asyncio.sleep(0.05)
    raise AssertionError("cocbot run never became ready")


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


def test_check_config_accepts_the_example(tmp_path: Path) -> None:
    result = cocbot("check-config", str(REPO / "cocbot.example.yml"), env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_check_config_accepts_the_discourse_only_example(tmp_path: Path) -> None:
    result = cocbot("check-config", str(REPO / "cocbot.discourse.example.yml"), env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "private messages on Discourse (no Slack)" in result.stdout


async def test_cocbot_run_serves_slack_over_http_against_the_fake(tmp_path: Path) -> None:
    """The README's `cocbot run`, as a real process: ready, health, a signed /report opens the modal."""
    import asyncio
    import socket
    import time as _time
    from urllib.parse import urlencode

    import aiohttp

    from tests.fakes.slack import FakeSlack
    from tests.harness import SIGNING_SECRET, sign, standard_world

    fake = FakeSlack()
    standard_world(fake)
    fake.channels["CCOMMITTEE"].members.add("UOTHER")  # an outsider: the operator must be told
    await fake.start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "cocbot.yml").write_text(
        "committee:\n  channel: CCOMMITTEE\n  members: [UALICE, UBOB, UCAROL]\n  escalation_contact: UESCAL\n")
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.base_url,
                    PORT=str(port), HOST="127.0.0.1")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
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
    from storage.content import check_key

    key = cocbot("keygen", env=clean_env(), cwd=tmp_path).stdout.strip()
    assert check_key(key) is None
    (tmp_path / "cocbot.yml").write_text("x: 1\n")  # reseal needs the settings, not the community config
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
