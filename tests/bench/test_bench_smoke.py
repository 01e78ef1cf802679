"""The benchmark still runs end to end (tiny sizes). It checks that figures are produced, never their values:
speed is judged by reading bench/RESULTS.md from a full run on a quiet machine, not by a timed test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_results(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    env = {k: v for k, v in os.environ.items() if k != "COCBOT_TEST_POSTGRES_URL"}
    # SQLite only: the PostgreSQL parts are the same code on another URL and would double the time.
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--no-postgres",
                           "--output", str(output)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Against the targets", "## 1. /report → views.open",
                    "## 2. Report submission → committee post", "## 3. Filled storage"):
        assert heading in text
    assert "| sequential | cocbot / baseline |" in text.replace("**", "")
    assert "exactly once" in text  # the due reminders were each sent once
    assert "PostgreSQL parts skipped" in text


def test_talk_relay_bench_prints_one_json_line() -> None:
    import json

    env = {k: v for k, v in os.environ.items() if k != "COCBOT_TEST_POSTGRES_URL"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "talk.py"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [line] = proc.stdout.strip().splitlines()
    result = json.loads(line)
    assert result["bench"] == "talk_relay" and result["runs"] == 3 and result["max_ms"] > 0
