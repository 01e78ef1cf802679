"""`cocbot init` writes a starting config from the shipped example, never over an existing file;
`cocbot --version` names the installed version."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from cocbot.bot.cli.init import example_config
from cocbot.bot.cli.main import main
from cocbot.bot.config.community import load_config
from tests.fakes.specs import REPO


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"cocbot {version('cocbot')}"


def test_the_packaged_examples_are_found_beside_bot() -> None:
    assert example_config() == REPO / "cocbot.example.yml"
    assert example_config(discourse_only=True) == REPO / "cocbot.discourse.example.yml"


@pytest.mark.parametrize("discourse_only", [False, True])
def test_init_writes_the_example_which_loads(tmp_path: Path, discourse_only: bool,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cocbot.yml"
    assert main(["init", str(target), *(["--discourse-only"] if discourse_only else [])]) == 0
    assert target.read_text() == example_config(discourse_only).read_text()
    config = load_config(target)
    assert config.uses_slack is not discourse_only
    assert f"cocbot check-config {target}" in capsys.readouterr().out


def test_init_defaults_to_cocbot_config_then_cocbot_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COCBOT_CONFIG", raising=False)
    assert main(["init"]) == 0
    assert (tmp_path / "cocbot.yml").is_file()
    monkeypatch.setenv("COCBOT_CONFIG", str(tmp_path / "elsewhere.yml"))
    assert main(["init"]) == 0
    assert (tmp_path / "elsewhere.yml").is_file()


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cocbot.yml"
    target.write_text("committee: mine\n")
    assert main(["init", str(target)]) == 2
    assert target.read_text() == "committee: mine\n"
    assert "already exists; nothing was written" in capsys.readouterr().err


def test_init_into_a_missing_directory_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "no" / "cocbot.yml")]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
