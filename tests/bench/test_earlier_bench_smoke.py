"""bench/earlier.py still runs (tiny sizes) and prints its one JSON line; speed is read from a full run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_earlier_bench_prints_its_figures() -> None:
    env = {k: v for k, v in os.environ.items() if k != "COCBOT_TEST_POSTGRES_URL"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "earlier.py"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "earlier" and figures["cases"] == 300 and figures["p99_ms"] > 0
    assert figures["mean_listed"] > 0  # the lookups do find earlier cases
    [verdict] = figures["targets"]
    assert "p99 < 5 ms" in verdict["target"] and isinstance(verdict["met"], bool)
