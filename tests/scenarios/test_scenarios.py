"""Every story in scenarios/ replayed through the real Slack handlers against the fake Slack.

One test per file (on SQLite, and on PostgreSQL when COCBOT_TEST_POSTGRES_URL is set), so a broken story
names itself; invalid files fail with the file, the step and the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.scenarios.simulator.format import load_scenario, scenario_files, scenarios_dir
from cocbot.scenarios.simulator.runner import replay
from tests.fakes.specs import check_slack_call, have_specs

FILES = scenario_files()
CHECKER = check_slack_call if have_specs() else None


def test_the_shipped_stories_are_found() -> None:
    assert scenarios_dir().name == "scenarios"
    assert len(FILES) >= 8, f"expected at least eight stories in {scenarios_dir()}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_scenario(path: Path, database_url: str) -> None:
    loaded = load_scenario(path)  # an invalid file fails here, naming file, step and problem
    result = await replay(loaded, database_url=database_url, checker=CHECKER)
    assert not result.violations, "Web API calls that break Slack's published spec:\n" + "\n".join(result.violations)
    assert not result.leaks


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_scenario_in_spanish(path: Path, sqlite_url: str) -> None:
    # `cocbot demo --lang es`: everyone, the committee included, reads cocbot in Spanish; the story's
    # expectations and the privacy check hold all the same.
    result = await replay(load_scenario(path), database_url=sqlite_url, checker=CHECKER, language="es")
    assert not result.violations and not result.leaks
    seen = " ".join(str(o) for o in result.observations)
    assert "Código de Conducta" in seen or "reporte" in seen.lower()
