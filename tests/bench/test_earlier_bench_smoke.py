"""bench/earlier.py still runs (tiny sizes) and prints its one JSON line; speed is read from a full run."""

from __future__ import annotations

from tests.bench.smoke import bench_figures


def test_earlier_bench_prints_its_figures() -> None:
    figures = bench_figures("earlier.py")
    assert figures["bench"] == "earlier" and figures["cases"] == 300 and figures["p99_ms"] > 0
    assert figures["mean_listed"] > 0  # the lookups do find earlier cases
    [verdict] = figures["targets"]
    assert "p99 < 5 ms" in verdict["target"] and isinstance(verdict["met"], bool)
