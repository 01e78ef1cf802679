"""Every story in scenarios/ replayed through the real Slack handlers against the fake Slack.

One test per file (on SQLite, and on PostgreSQL when COCBOT_TEST_POSTGRES_URL is set), so a broken story
names itself; invalid files fail with the file, the step and the problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.scenarios.simulator.format import (
    ScenarioError, load_scenario, scenario_files, scenarios_dir,
)
from cocbot.scenarios.simulator.runner import StepFailure, replay
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


# ---- the format's own errors ----

VALID = """
title: t
seed: s
community:
  committee: {members: [alice, bob], escalation_contact: erin}
  channels:
    committee: {members: [alice, bob], private: true}
    general: {members: [rita, mallory]}
steps:
  - slash: {by: rita, in: general}
  - submit: {by: rita, values: {description: "Mallory shouted at me in the call", implicated: [mallory]}}
expect:
  who_saw:
    "Mallory shouted at me": [alice, bob]
"""


def write(tmp_path: Path, text: str, name: str = "story.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    return str(info.value)


def test_a_valid_snippet_loads(tmp_path: Path) -> None:
    assert len(load_scenario(write(tmp_path, VALID)).scenario.steps) == 2


@pytest.mark.parametrize("broken, expected", [
    (VALID.replace("by: rita, values", "by: ritaa, values"),
     "step 2 (submit) → by: unknown person 'ritaa'"),
    (VALID.replace("implicated: [mallory]", "implicated: mallory"),
     "step 2 (submit) → values.implicated: a list of people expected"),
    (VALID.replace("- slash: {by: rita, in: general}", "- slash: {by: rita, in: random}"),
     "step 1 (slash) → in: unknown channel 'random'"),
    (VALID.replace("- slash: {by: rita, in: general}", "- slash: {in: general}"),
     "step 1 (slash) → by: required but missing"),
    (VALID.replace("- slash: {by: rita, in: general}", "- type: {by: rita}"),
     "step 1: unknown step kind 'type'"),
    (VALID.replace("- slash: {by: rita, in: general}",
                   "- slash: {by: rita, in: general}\n    click: {by: rita, action_id: x}"),
     "step 1: a step has exactly one action, found 2 (slash, click)"),
    (VALID.replace("- slash: {by: rita, in: general}", "- advance: soon"),
     "step 1 (advance): 'soon' is not a duration"),
    (VALID.replace("- slash: {by: rita, in: general}", "- slash: {by: rita, in: general, command: report}"),
     "step 1 (slash) → command: a slash command starts with '/'"),
    (VALID.replace("title: t\n", ""), "title: required but missing"),
    (VALID.replace("who_saw:", "seen_by:"), "expect.seen_by: unknown key"),
    (VALID.replace('"Mallory shouted at me": [alice, bob]', '"Mallory shouted at me": [alice, zed]'),
     "expect → who_saw['Mallory shouted at me']: unknown person 'zed'"),
    (VALID + "  stored:\n    1: {space: committee_channel}\n",
     "expect.stored: Value error, report 1: unknown field(s) space"),
    (VALID.replace("seed: s\n", "seed: s\nstart: 2026-03-06T18:00:00\n"), "start: give a time zone"),
    ("- just a list\n", "the file must be a YAML mapping"),
    ("title: [unclosed\n", "not valid YAML"),
])
def test_invalid_files_name_the_file_the_step_and_the_problem(tmp_path: Path, broken: str, expected: str) -> None:
    message = error_for(tmp_path, broken)
    assert message.split(": ", 1)[0].endswith("story.yml"), message  # the file, as a path from the cwd
    assert expected.replace("Value error, ", "") in message, message


async def test_a_failing_expectation_prints_who_saw_what(tmp_path: Path, sqlite_url: str) -> None:
    wrong = VALID.replace('"Mallory shouted at me": [alice, bob]', '"Mallory shouted at me": [alice, mallory]')
    loaded = load_scenario(write(tmp_path, wrong))
    with pytest.raises(StepFailure) as info:
        await replay(loaded, database_url=sqlite_url)
    message = str(info.value)
    assert "story.yml: expect: who saw 'Mallory shouted at me'" in message
    assert "expected: alice, mallory" in message and "actual:   alice, bob" in message
    assert "+ bob (committee) (should not have)" in message
    assert "- mallory (should have)" in message
    # the transcript: per person, step, how, first line
    assert "who saw what" in message and "rita:" in message and "mallory: nothing" in message


async def test_a_step_that_cannot_run_names_the_step(tmp_path: Path, sqlite_url: str) -> None:
    wrong = VALID.replace("values: {description:", "values: {colour: red, description:")
    loaded = load_scenario(write(tmp_path, wrong))
    with pytest.raises(StepFailure) as info:
        await replay(loaded, database_url=sqlite_url)
    assert "step 2 (submit): the open modal (report_modal) has no input block 'colour'" in str(info.value)


async def test_the_privacy_check_catches_a_leak_the_story_did_not_ask_about(tmp_path: Path, sqlite_url: str) -> None:
    # mallory is implicated but sits in the committee channel: the bot must route around her. Forcing the
    # leak by adding her after delivery (she scrolls back) shows the check itself works.
    leaky = VALID.split("expect:")[0] + "  - join: {channel: committee, people: [mallory]}\n"
    loaded = load_scenario(write(tmp_path, leaky))
    with pytest.raises(StepFailure) as info:
        await replay(loaded, database_url=sqlite_url)
    message = str(info.value)
    assert "someone who must never see a report saw it" in message
    assert "mallory — implicated in R-0001 — saw its text 'Mallory shouted at me in the call'" in message
