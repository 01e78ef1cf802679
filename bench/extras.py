"""Optional parts of the bench: standalone scripts beside bench/run.py that each measure one capability.

A part is any `bench/<name>.py` (other than the bench's own modules below) that takes `--smoke` (tiny sizes,
seconds) and prints one JSON object as the last line of its standard output. bench/run.py runs every part
it finds as a subprocess, gathers that JSON into RESULTS.md (figures as a table, with nested objects
flattened to dotted keys) and adds the part's own verdicts to "Against the targets" when the JSON carries
them, as `"targets": [{"target": "…", "measured": "…", "met": true}, …]`. A part that fails, times out
or prints no JSON is reported as such; the rest of the bench goes on.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The bench's own modules and tools, which are not parts.
NOT_PARTS = frozenset({"run", "baseline_app", "onduty", "recovery", "scale", "extras"})


@dataclass
class PartResult:
    name: str
    ok: bool
    seconds: float
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def discover(folder: Path) -> list[Path]:
    """The parts in `folder`, by name."""
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.stem in NOT_PARTS or path.stem.startswith(("_", "test_")):
            continue
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "--smoke" in source:
            found.append(path)
    return found


def last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


async def run_part(script: Path, *, smoke: bool, env: dict[str, str], timeout: float, cwd: Path) -> PartResult:
    argv = [sys.executable, str(script)] + (["--smoke"] if smoke else [])
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(*argv, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return PartResult(script.stem, False, time.perf_counter() - t0, error=f"no result within {timeout:.0f} s")
    took = time.perf_counter() - t0
    data = last_json(out.decode(errors="replace"))
    if proc.returncode != 0 or data is None:
        tail = (err.decode(errors="replace").strip().splitlines() or ["(nothing on stderr)"])[-1]
        why = f"exit status {proc.returncode}" if proc.returncode != 0 else "no JSON line on stdout"
        return PartResult(script.stem, False, took, data or {}, f"{why}: {tail[:300]}")
    return PartResult(script.stem, True, took, data)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(", ", ": "))[:300]
    return str(v)


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Figures as (dotted key, text); the verdicts are shown apart."""
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        if not prefix and key in ("targets", "verdicts"):
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows += flatten(value, name + ".")
        else:
            rows.append((name, _value(value)))
    return rows


def verdicts(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) from the part's `targets` (or `verdicts`) list; anything else is ignored."""
    out = []
    for entry in data.get("targets") or data.get("verdicts") or []:
        if not isinstance(entry, dict):
            continue
        target = entry.get("target") or entry.get("name")
        met = next((entry[k] for k in ("met", "ok", "pass", "passed") if k in entry), None)
        if target is None or not isinstance(met, bool):
            continue
        measured = entry.get("measured", entry.get("value", ""))
        out.append((str(target), _value(measured), met))
    return out


def render(results: list[PartResult]) -> list[str]:
    lines = ["## 5. Optional parts", "",
             "Each `bench/<name>.py` that takes `--smoke` and prints one JSON line (bench/extras.py), run as a "
             "subprocess; its figures as it reported them.", ""]
    if not results:
        return lines + ["No optional part was found in bench/.", ""]
    for r in results:
        lines += [f"### {r.name}", "",
                  f"`bench/{r.name}.py`, {r.seconds:.1f} s" + ("" if r.ok else f" — **failed**: {r.error}"), ""]
        rows = flatten(r.data)
        if rows:
            lines += ["| figure | value |", "| --- | --- |"]
            lines += [f"| {k} | {v.replace('|', '/')} |" for k, v in rows]
            lines.append("")
    return lines
