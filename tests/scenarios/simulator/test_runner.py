"""When a story does not hold: the failure names the story, the step and shows who saw what."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.scenarios.simulator.format import load_scenario
from cocbot.scenarios.simulator.runner import StepFailure, replay
from tests.scenarios.simulator.stories import LEAKY_STORY, STORY, write


async def test_a_failing_expectation_prints_who_saw_what(tmp_path: Path, sqlite_url: str) -> None:
    wrong = STORY.replace('"Mallory shouted at me": [alice, bob]', '"Mallory shouted at me": [alice, mallory]')
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
    wrong = STORY.replace("values: {description:", "values: {colour: red, description:")
    loaded = load_scenario(write(tmp_path, wrong))
    with pytest.raises(StepFailure) as info:
        await replay(loaded, database_url=sqlite_url)
    assert "step 2 (submit): the open modal (report_modal) has no input block 'colour'" in str(info.value)


async def test_the_privacy_check_catches_a_leak_the_story_did_not_ask_about(tmp_path: Path, sqlite_url: str) -> None:
    loaded = load_scenario(write(tmp_path, LEAKY_STORY))
    with pytest.raises(StepFailure) as info:
        await replay(loaded, database_url=sqlite_url)
    message = str(info.value)
    assert "someone who must never see a report saw it" in message
    assert "mallory — implicated in R-0001 — saw its text 'Mallory shouted at me in the call'" in message
