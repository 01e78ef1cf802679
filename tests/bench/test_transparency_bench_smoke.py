"""bench/transparency.py still runs (tiny sizes) and prints its one JSON line with its verdict; speed is read
from a full run."""

from __future__ import annotations

from tests.bench.smoke import bench_figures


def test_transparency_bench_prints_its_figures_and_verdict() -> None:
    figures = bench_figures("transparency.py", only_line=True)
    assert figures["bench"] == "transparency" and figures["statistics_rows"] == 300 and figures["runs"] == 2
    # The purged cases' rows and the live ones all count (a few held rows are left out).
    assert 250 < figures["first_figure"] <= 310 and figures["markdown_bytes"] > 0
    [verdict] = figures["targets"]
    assert verdict["target"].startswith("transparency report over 300 cases < 2 s")
    assert isinstance(verdict["met"], bool)
