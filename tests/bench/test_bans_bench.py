"""The bans benchmark still runs end to end (`--smoke`) and prints its JSON line; its figures are read from a
full run on a quiet machine, never judged by a timed test."""

from __future__ import annotations

from tests.bench.smoke import bench_figures


def test_bans_benchmark_smoke() -> None:
    result = bench_figures("bans.py")
    assert result["runs"] == 3 and {"median_ms", "p95_ms", "max_ms", "target_ms"} <= set(result)
    [verdict] = result["targets"]
    assert verdict["target"].startswith("ban alert") and isinstance(verdict["met"], bool)
