"""bench/purge.py still runs end to end (a few hundred cases) and prints its figures; their values are judged
from a full run on a quiet machine, not by a timed test."""

from __future__ import annotations

from tests.bench.smoke import bench_figures


def test_purge_bench_smoke_prints_one_json_line() -> None:
    figures = bench_figures("purge.py", only_line=True, sqlite_only=False)
    assert figures["cases"] == figures["purged"] == 300
    assert figures["marker_left_in_files"] is False and figures["files"] == "checkpointed"
    assert {"purge_seconds", "purge_cpu_seconds", "seed_seconds", "target_seconds"} <= set(figures)
