"""bench/transparency.py still runs (tiny sizes) and prints its one JSON line with its verdict; speed is read
from a full run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_transparency_bench_prints_its_figures_and_verdict() -> None:
    env = {k: v for k, v in os.environ.items() if k != "COCBOT_TEST_POSTGRES_URL"}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "transparency.py"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [line] = proc.stdout.strip().splitlines()
    figures = json.loads(line)
    assert figures["bench"] == "transparency" and figures["statistics_rows"] == 300 and figures["runs"] == 2
    # The purged cases' rows and the live ones all count (a few held rows are left out).
    assert 250 < figures["first_figure"] <= 310 and figures["markdown_bytes"] > 0
    [verdict] = figures["targets"]
    assert verdict["target"].startswith("transparency report over 300 cases < 2 s")
    assert isinstance(verdict["met"], bool)
