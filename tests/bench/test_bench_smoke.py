"""The benchmark still runs end to end (tiny sizes). It checks that figures are produced, never their values:
speed is judged by reading bench/RESULTS.md from a full run on a quiet machine, not by a timed test."""

from __future__ import annotations

from pathlib import Path

from tests.bench.smoke import bench_figures, run_bench


def test_quick_benchmark_writes_results(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    run_bench("run.py", "--quick", "--no-postgres", "--output", str(output))
    text = output.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Against the targets", "## 1. /report → views.open",
                    "## 2. Report submission → committee post", "## 3. Filled storage"):
        assert heading in text
    assert "| sequential | cocbot / baseline |" in text.replace("**", "")
    assert "exactly once" in text  # the due reminders were each sent once
    assert "PostgreSQL parts skipped" in text


def test_talk_relay_bench_prints_one_json_line() -> None:
    result = bench_figures("talk.py", only_line=True)
    assert result["bench"] == "talk_relay" and result["runs"] == 3 and result["max_ms"] > 0
