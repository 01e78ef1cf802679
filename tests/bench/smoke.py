"""Runs one benchmark script as a user would (tiny sizes) and reads the figures it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def yield_the_cpu() -> None:
    """In the bench's processes (and their servers, which inherit it): a smoke run proves the bench works,
    never how fast, so it takes the CPU only when the suite's timing-sensitive tests on the other worker
    (a modal answered within Slack's 3 seconds) do not need it."""
    os.nice(15)


def run_bench(script: str, *args: str, sqlite_only: bool = True,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`sqlite_only`: hide the test PostgreSQL URL, as the PostgreSQL parts are the same code on another URL and
    would double the time."""
    env = {k: v for k, v in os.environ.items() if not (sqlite_only and k == "COCBOT_TEST_POSTGRES_URL")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=yield_the_cpu)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def bench_figures(script: str, *, only_line: bool = False, sqlite_only: bool = True) -> dict[str, Any]:
    """The JSON figures `script --smoke` prints last (`only_line`: and nothing else)."""
    lines = run_bench(script, "--smoke", sqlite_only=sqlite_only).stdout.strip().splitlines()
    if only_line:
        assert len(lines) == 1, lines
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures
