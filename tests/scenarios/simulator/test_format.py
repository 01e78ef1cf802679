"""The format's own errors: every problem names the file, the step and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.scenarios.simulator.format import ScenarioError, load_scenario
from tests.scenarios.simulator.stories import STORY, write


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, text))
    return str(info.value)


def test_a_valid_snippet_loads(tmp_path: Path) -> None:
    assert len(load_scenario(write(tmp_path, STORY)).scenario.steps) == 2


@pytest.mark.parametrize("broken, expected", [
    (STORY.replace("by: rita, values", "by: ritaa, values"),
     "step 2 (submit) → by: unknown person 'ritaa'"),
    (STORY.replace("implicated: [mallory]", "implicated: mallory"),
     "step 2 (submit) → values.implicated: a list of people expected"),
    (STORY.replace("- slash: {by: rita, in: general}", "- slash: {by: rita, in: random}"),
     "step 1 (slash) → in: unknown channel 'random'"),
    (STORY.replace("- slash: {by: rita, in: general}", "- slash: {in: general}"),
     "step 1 (slash) → by: required but missing"),
    (STORY.replace("- slash: {by: rita, in: general}", "- type: {by: rita}"),
     "step 1: unknown step kind 'type'"),
    (STORY.replace("- slash: {by: rita, in: general}",
                   "- slash: {by: rita, in: general}\n    click: {by: rita, action_id: x}"),
     "step 1: a step has exactly one action, found 2 (slash, click)"),
    (STORY.replace("- slash: {by: rita, in: general}", "- advance: soon"),
     "step 1 (advance): 'soon' is not a duration"),
    (STORY.replace("- slash: {by: rita, in: general}", "- slash: {by: rita, in: general, command: report}"),
     "step 1 (slash) → command: a slash command starts with '/'"),
    (STORY.replace("title: t\n", ""), "title: required but missing"),
    (STORY.replace("who_saw:", "seen_by:"), "expect.seen_by: unknown key"),
    (STORY.replace('"Mallory shouted at me": [alice, bob]', '"Mallory shouted at me": [alice, zed]'),
     "expect → who_saw['Mallory shouted at me']: unknown person 'zed'"),
    (STORY + "  stored:\n    1: {space: committee_channel}\n",
     "expect.stored: Value error, report 1: unknown field(s) space"),
    (STORY.replace("seed: s\n", "seed: s\nstart: 2026-03-06T18:00:00\n"), "start: give a time zone"),
    ("- just a list\n", "the file must be a YAML mapping"),
    ("title: [unclosed\n", "not valid YAML"),
])
def test_invalid_files_name_the_file_the_step_and_the_problem(tmp_path: Path, broken: str, expected: str) -> None:
    message = error_for(tmp_path, broken)
    assert message.split(": ", 1)[0].endswith("story.yml"), message  # the file, as a path from the cwd
    assert expected.replace("Value error, ", "") in message, message


