"""`cocbot demo` as a newcomer runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cocbot.bot.cli.main import main
from cocbot.scenarios.simulator.format import load_scenario, scenario_files
from tests.scenarios.simulator.stories import LEAKY_STORY


def cocbot_command() -> list[str]:
    script = Path(sys.executable).with_name("cocbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cocbot.bot"]


def test_demo_runs_from_any_directory_without_slack_credentials(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "COCBOT_CONFIG"}
    proc = subprocess.run([*cocbot_command(), "demo", "--short"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "What each person saw:" in out
    for path in scenario_files():
        assert load_scenario(path).scenario.title in out
    assert "skipped" not in out
    assert "Privacy check: nobody implicated, excluded or recused saw any part of R-0001." in out
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir()), "the demo leaves nothing behind in the working directory"


def test_demo_lists_the_stories(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    assert "03-anonymous-report" in out and "A newcomer reports anonymously" in out


def test_demo_of_one_story_prints_what_each_person_saw(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "03-anonymous"]) == 0
    out = capsys.readouterr().out
    assert "1/1  A newcomer reports anonymously" in out
    assert "sam (a newcomer):" in out and "「Report a concern」" in out  # the modal
    assert "CODE OF CONDUCT REPORT R-0001" in out                     # the committee post
    assert "YOUR REPORT R-0001 WAS RECEIVED" in out                   # the reporter's DM
    assert "mallory (named as involved): nothing" in out


def test_demo_with_an_unknown_story_says_which_exist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "no-such-story"]) == 2
    err = capsys.readouterr().err
    assert "no-such-story: no scenario matches; known: 01-" in err

def test_an_invalid_story_is_reported_not_crashed_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "broken.yml").write_text(LEAKY_STORY.replace("by: rita, values", "by: ritta, values"))
    assert main(["demo", "--scenarios", str(stories)]) == 1
    out = capsys.readouterr().out
    assert "broken.yml: step 2 (submit) → by: unknown person 'ritta'" in out


def test_steps_are_numbered_as_shown_and_forms_show_no_field_ids(capsys: pytest.CaptureFixture[str]) -> None:
    # The outage story hides an expectation after the submit: the narration must not skip its number,
    # and "step N" of what each person saw must name the same narrated step.
    assert main(["demo", "11-slack-outage"]) == 0
    out = capsys.readouterr().out
    happened = out.split("What happened:\n", 1)[1].split("\n\n", 1)[0]
    numbers = [int(line.split(".", 1)[0]) for line in happened.splitlines() if line[2:3].isdigit()]
    assert numbers == list(range(1, 8)), happened
    assert "4. nia submits" in happened
    assert "step 4 · modal" in out and "step 8" not in out
    assert "‹" not in out  # internal field ids are for story authors (--ids), not for the reader
    # The modal shown at submit does not claim the report already reached the committee.
    flat = " ".join(out.replace("│", " ").split())
    assert "stored safely; cocbot is passing it to the committee" in flat
    assert "received and passed to the committee" not in flat
    # Slack was failing when the DM went out: it says the report will reach the committee, not that it did.
    assert "will reach the Code of Conduct committee of our community as soon as it can be delivered" in flat
    assert "[Reassign]" not in out  # nobody owns the report yet


def test_demo_ids_shows_the_form_field_ids_for_story_authors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--ids", "03-anonymous"]) == 0
    assert "‹description›" in capsys.readouterr().out
