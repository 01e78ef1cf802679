"""bench/purge.py still runs end to end (a few hundred cases, purged by the running bot while it answers /report)
and prints its figures and verdicts; their values are judged from a full run on a quiet machine, not by a timed
test."""

from __future__ import annotations

from tests.bench.smoke import bench_figures


def test_purge_bench_smoke_prints_one_json_line() -> None:
    figures = bench_figures("purge.py", only_line=True, sqlite_only=False)
    assert figures["cases"] == figures["purged"] == 300
    assert figures["marker_left_in_files"] is False and figures["files"] == "checkpointed"
    assert {"purge_seconds", "bot_cpu_seconds", "seed_seconds", "target_seconds"} <= set(figures)
    assert figures["report_idle_ms"]["n"] == 40 and figures["report_failures"] == {}
    assert figures["report_during_purge_ms"]["n"] >= 0
    targets = [t["target"] for t in figures["targets"]]
    assert targets == ["purge of 300 closed cases < 60 s (sqlite)",
                       "/report p99 during the purge ≤ 2× its idle p99 (sqlite)"]
    assert all(isinstance(t["met"], bool) and t["measured"] for t in figures["targets"])
