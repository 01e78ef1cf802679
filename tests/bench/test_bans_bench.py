"""The bans benchmark still runs end to end (`--smoke`) and prints its JSON line; its figures are read from a
full run on a quiet machine, never judged by a timed test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bans_benchmark_smoke() -> None:
    env = {k: v for k, v in os.environ.items() if k != "COCBOT_TEST_POSTGRES_URL"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bans.py"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["runs"] == 3 and {"median_ms", "p95_ms", "max_ms", "target_ms"} <= set(result)
    [verdict] = result["targets"]
    assert verdict["target"].startswith("ban alert") and isinstance(verdict["met"], bool)
