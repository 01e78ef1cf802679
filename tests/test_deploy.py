"""The deployment files name the real package, entry point, port and health route. Container images cannot be
built or pulled on the test machine, so the Dockerfile and compose.yaml are checked as text and YAML; the
systemd unit goes through `systemd-analyze verify` where it is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from cocbot.bot.cli.main import build_parser
from cocbot.bot.config.settings import load_settings
from tests.fakes.specs import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    stages = "\n".join(lines).split("\nFROM ")
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in ("FROM " + stages[-1]).splitlines()]


def instruction(name: str) -> list[str]:
    return [args for ins, args in dockerfile() if ins == name]


def test_dockerfile_runs_the_cocbot_entry_point_unprivileged() -> None:
    (base,) = instruction("FROM")
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    (entry,) = instruction("ENTRYPOINT")
    (cmd,) = instruction("CMD")
    assert json.loads(entry) == ["cocbot"] and "cocbot" in PYPROJECT["project"]["scripts"]
    assert json.loads(cmd) == ["run"]
    assert build_parser().parse_args(["run"]).command == "run"
    (user,) = instruction("USER")
    assert user not in ("root", "0")
    assert any("useradd" in run and f" {user}" in run for run in instruction("RUN"))


def test_dockerfile_exposes_the_port_cocbot_listens_on() -> None:
    (port,) = instruction("EXPOSE")
    env = " ".join(instruction("ENV"))
    assert f"PORT={port}" in env
    assert load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
                          "COCBOT_CONFIG": str(REPO / "cocbot.example.yml")}, uses_slack=True).port == int(port)


class _Health(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_dockerfile_healthcheck_asks_healthz_and_fails_otherwise() -> None:
    (health,) = instruction("HEALTHCHECK")
    command = json.loads(health.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    server = HTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = str(server.server_address[1])
        ok = subprocess.run([sys.executable, "-c", command[2]], env={"PORT": port}, capture_output=True, timeout=30)
        assert ok.returncode == 0, ok.stderr
        assert _Health.seen == ["/healthz"]
        server.RequestHandlerClass = type("Down", (_Health,), {"do_GET": lambda self: (self.send_response(503),
                                                                                         self.end_headers())})
        down = subprocess.run([sys.executable, "-c", command[2]], env={"PORT": port}, capture_output=True, timeout=30)
        assert down.returncode != 0
    finally:
        server.shutdown()
        server.server_close()


def test_healthz_is_a_route_of_the_app() -> None:
    assert 'add_get("/healthz"' in (REPO / "bot" / "runtime" / "app.py").read_text()


def test_compose_runs_two_replicas_on_postgres() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "cocbot-1", "cocbot-2"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    for name in ("cocbot-1", "cocbot-2"):
        bot = services[name]
        assert bot["build"] == "."
        assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in bot["environment"]["DATABASE_URL"]
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert bot["restart"] == "on-failure"
        assert any(v.endswith(":/etc/cocbot/cocbot.yml:ro") for v in bot["volumes"])
    # Each replica published on its own host port, none on every interface (a TLS proxy goes in front).
    ports = [p for name in ("cocbot-1", "cocbot-2") for p in services[name]["ports"]]
    assert len(set(ports)) == 2 and all(p.startswith("127.0.0.1:") and p.endswith(":3000") for p in ports)


UNIT = REPO / "deploy" / "cocbot.service"


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_systemd_unit_is_hardened_and_restarts_on_failure() -> None:
    unit = unit_settings()
    assert unit["DynamicUser"] == ["yes"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["StateDirectory"] == ["cocbot"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["NoNewPrivileges"] == ["yes"]
    (start,) = unit["ExecStart"]
    assert start.split()[0].endswith("/bin/cocbot") and start.split()[1:] == ["run"]
    # The SQLite file is in the one writable directory ProtectSystem=strict leaves.
    assert any(e.startswith("DATABASE_URL=sqlite:////var/lib/cocbot/") for e in unit["Environment"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify insists the ExecStart binary exists: point it at this installation's real `cocbot` script.
    script = Path(sys.executable).parent / "cocbot"
    assert script.is_file()
    unit = tmp_path / "cocbot.service"
    unit.write_text(UNIT.read_text().replace("/opt/cocbot/bin/cocbot", str(script)))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
