"""`cocbot scenarios check` as an operator runs it: exit 0 no leak, 1 a leak, 2 usage or config, 3 internal."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.bot.cli.main import main
from tests.scenarios.simulator.stories import LEAKY_STORY

CONFIG = """
committee:
  channel: C0123COMMIT
  members: [U01AAA, U02BBB, U03CCC, U04DDD]
  escalation_contact: U09ZZZ
"""


def check_click_story(tmp_path: Path, config_text: str, click: str) -> int:
    """`scenarios check` of the leaky story with a `click` step added before mallory joins the committee."""
    config = tmp_path / "cocbot.yml"
    config.write_text(config_text)
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "click.yml").write_text(LEAKY_STORY.replace(
        "  - join: {channel: committee, people: [mallory]}\n",
        f"  - click: {click}\n"
        "  - join: {channel: committee, people: [mallory]}\n"))
    return main(["scenarios", "check", "--config", str(config), "--scenarios", str(stories)])


def test_check_replays_the_stories_against_a_real_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cocbot.yml"
    config.write_text(CONFIG)
    assert main(["scenarios", "check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "committee of 4 in C0123COMMIT" in out
    assert "ok       04-report-about-a-committee-member" in out
    assert "No path found by which an implicated, excluded or recused person would see a report." in out


def test_check_finds_a_leak_and_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cocbot.yml"
    config.write_text(CONFIG)
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "leak.yml").write_text(LEAKY_STORY)
    assert main(["scenarios", "check", "--config", str(config), "--scenarios", str(stories)]) == 1
    out = capsys.readouterr().out
    assert "LEAK     leak (alice→U01AAA, bob→U02BBB, erin→U09ZZZ, #committee→C0123COMMIT)" in out
    assert ("mallory — implicated in R-0001 — saw its text 'Mallory shouted at me in the call' via channel history"
            in out)
    assert "1 privacy leak(s) found" in out


def test_check_with_an_invalid_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cocbot.yml"
    config.write_text("committee: {channel: general, members: [], escalation_contact: U1}\n")
    assert main(["scenarios", "check", "--config", str(config)]) == 2
    assert "committee.channel" in capsys.readouterr().err

def test_a_step_that_does_not_apply_to_the_real_setup_stops_the_story_but_what_happened_is_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bob is the story's second committee member; this committee has one, so bob is nobody special and
    # cannot see the report's message.
    assert check_click_story(tmp_path, "committee: {channel: C0123COMMIT, members: [U01AAA], escalation_contact: "
                             "U09ZZZ}\n", "{by: bob, action_id: add_information, in: report}") == 0
    out = capsys.readouterr().out
    assert "stopped early with your config — step 3 (click): bob sees no button 'add_information' on the report" in out
    assert "1 stopped early" in out


REPO = Path(__file__).resolve().parents[3]


def test_check_replays_the_stories_for_a_discourse_only_community(capsys: pytest.CaptureFixture[str]) -> None:
    example = str(REPO / "cocbot.discourse.example.yml")
    assert main(["scenarios", "check", "--config", example, "04-report", "06-everyone"]) == 0
    out = capsys.readouterr().out
    assert "community on Discourse only" in out and "alice as UALICEFORUM" in out  # who stands for whom
    assert "ok       04-report-about-a-committee-member" in out
    assert "ok       06-everyone-excluded-goes-to-the-escalation-contact" in out
    assert main(["scenarios", "check", "--config", example, "--also-in-committee-channel", "UX1"]) == 2
    assert "no Slack committee channel" in capsys.readouterr().err


def test_check_exits_3_on_an_internal_error_never_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from cocbot.scenarios.simulator.runner import ScenarioRunner

    async def broken(self: object) -> object:
        raise RuntimeError("simulator bug")

    monkeypatch.setattr(ScenarioRunner, "run", broken)
    config = tmp_path / "cocbot.yml"
    config.write_text(CONFIG)
    assert main(["scenarios", "check", "--config", str(config), "02-named"]) == 3
    out = capsys.readouterr().out
    assert ("ERROR    02-named-report-by-slash-command: internal error while replaying (RuntimeError: simulator bug)"
            in out)
    assert "LEAK" not in out and "leak(s) found" not in out


def test_a_missing_button_names_the_setting_that_shows_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_click_story(tmp_path, CONFIG, "{by: alice, action_id: triage_view, in: report}") == 0
    out = capsys.readouterr().out
    assert ("alice sees no button 'triage_view' on the report; the report message shows it only with the "
            "setting `triage.details_on_demand: true`") in out
