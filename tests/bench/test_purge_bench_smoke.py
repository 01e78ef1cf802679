"""bench/purge.py still runs end to end (a few hundred cases) and prints its figures; their values are judged
from a full run on a quiet machine, not by a timed test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_purge_bench_smoke_prints_one_json_line() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "purge.py"), "--smoke"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [line] = proc.stdout.strip().splitlines()
    figures = json.loads(line)
    assert figures["cases"] == figures["purged"] == 300
    assert figures["marker_left_in_files"] is False and figures["files"] == "checkpointed"
    assert {"purge_seconds", "purge_cpu_seconds", "seed_seconds", "target_seconds"} <= set(figures)
