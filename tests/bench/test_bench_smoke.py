"""The benchmark still runs end to end (tiny sizes), every part of it. It checks that figures are produced,
never their values: speed is judged by reading bench/RESULTS.md from a full run, not by a timed test."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.bench.smoke import ROOT, bench_figures, run_bench


def test_quick_benchmark_writes_results(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    # The whole bench at tiny sizes, with its optional parts: the longest smoke run.
    run_bench("run.py", "--quick", "--no-postgres", "--output", str(output), timeout=300)
    text = output.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Against the targets", "## 1. /report → views.open",
                    "## 2. Report submission → committee post", "## 3. Filled storage",
                    "## 4. At the size of a large community", "## 5. Optional parts"):
        assert heading in text
    assert "failed:" not in text.split("## Notes")[-1], text.split("## Notes")[-1]
    plain = text.replace("**", "")
    assert "| sequential | cocbot / baseline |" in plain
    for target in ("CPU of one delivered report ≤ 3× CPU of one bare-Bolt /report (sqlite)",
                   "submission → committee post p95 ≤ 10× bare-Bolt /report p95 (sqlite",
                   "reports/s ≥ 0.25× bare-Bolt /report requests/s, concurrency 32 (sqlite)",
                   "start-up with 3,000 rows < 3 s (sqlite)",
                   "App Home, committee member with 50 open cases: within Slack's view limits (sqlite) |",
                   "routing to a committee channel of 450 members"):
        assert target in plain, target
    assert "exactly once" in text  # the due reminders were each sent once
    assert "PostgreSQL parts skipped" in text


def test_talk_relay_bench_prints_one_json_line() -> None:
    result = bench_figures("talk.py", only_line=True)
    assert result["bench"] == "talk_relay" and result["runs"] == 3 and result["max_ms"] > 0
    [verdict] = result["targets"]
    assert verdict["target"].startswith("/talk relay") and isinstance(verdict["met"], bool)


def _extras() -> object:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import extras
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return extras


def test_optional_parts_are_found_run_and_reported(tmp_path: Path) -> None:
    import asyncio

    extras = _extras()
    (tmp_path / "talk.py").write_text(
        "import json, sys\nprint('warming up')\n"
        "print(json.dumps({'smoke': '--smoke' in sys.argv, 'relay_ms': {'p50': 3.5, 'p95': 7.25}, "
        "'targets': [{'target': 'relay p95 < 50 ms', 'measured': '7.25 ms', 'met': True}]}))\n")
    (tmp_path / "bans.py").write_text("import sys\nsys.exit('no database --smoke')\n")
    (tmp_path / "helper.py").write_text("print('not a part: it takes no smoke option')\n")
    (tmp_path / "run.py").write_text("# --smoke: the bench itself, never a part\n")
    found = extras.discover(tmp_path)  # type: ignore[attr-defined]
    assert [p.name for p in found] == ["bans.py", "talk.py"]
    results = [asyncio.run(extras.run_part(p, smoke=True, env=dict(os.environ), timeout=30,  # type: ignore[attr-defined]
                                           cwd=tmp_path)) for p in found]
    bans, talk = results
    assert not bans.ok and "exit status 1" in bans.error and "no database" in bans.error
    assert talk.ok and talk.data["smoke"] is True
    assert extras.verdicts(talk.data) == [("relay p95 < 50 ms", "7.25 ms", True)]  # type: ignore[attr-defined]
    lines = "\n".join(extras.render(results))  # type: ignore[attr-defined]
    assert "| relay_ms.p95 | 7.25 |" in lines and "### bans" in lines and "**failed**" in lines
    assert json.dumps(talk.data)  # what RESULTS.md shows came from the part's own JSON line
