"""README gives exactly two set-up commands (run the bot, run the tests) and CI runs the test one."""

from __future__ import annotations

from tests.fakes.specs import REPO


def setup_commands() -> list[str]:
    lines = (REPO / "README.md").read_text().splitlines()
    return [line.strip() for line in lines if line.startswith("    ") and "python3 -m venv" in line]


def test_two_set_up_commands_run_the_bot_and_the_tests() -> None:
    run, test = setup_commands()
    assert run.endswith("cocbot run")
    assert test.endswith("pytest")


def test_ci_calls_the_readmes_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert setup_commands()[1] in [line.strip() for line in ci]
