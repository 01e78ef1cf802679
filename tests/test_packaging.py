"""Installed, cocbot is one import package: `cocbot` (bot, handlers, storage, scenarios beneath it) plus the
manifest and example configs as its data. Nothing generic such as `bot` or `storage` lands in site-packages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOP_LEVEL = re.compile(r"^\s*(from|import) (bot|handlers|storage|scenarios)(\.|\s)", re.MULTILINE)


def test_no_module_imports_the_folders_by_their_bare_names() -> None:
    # A bare `import bot…` would load a second copy of the module beside `cocbot.bot…` in a checkout, and
    # fail once installed.
    offenders = [str(path.relative_to(REPO)) for folder in ("bot", "handlers", "storage", "scenarios", "tests", "bench")
                 for path in (REPO / folder).rglob("*.py") if TOP_LEVEL.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_wheel_holds_the_cocbot_package_alone(tmp_path: Path) -> None:
    # Built from a copy: pip builds in the source tree, and its build/ must not appear in the checkout.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                                ".hypothesis", "*.sqlite3"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                            str(source)], capture_output=True, text=True, timeout=300)
    if built.returncode != 0:
        pytest.skip("could not build a wheel here (pip needs setuptools from the package index): "
                    + built.stderr[-300:])
    (wheel,) = tmp_path.glob("cocbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"cocbot", wheel.name.split("-py")[0] + ".dist-info"}
    assert {"cocbot/manifest.yml", "cocbot/manifest.http.yml", "cocbot/cocbot.example.yml",
            "cocbot/cocbot.discourse.example.yml",
            "cocbot/bot/runtime/app.py", "cocbot/handlers/slack/app.py", "cocbot/storage/db.py",
            "cocbot/scenarios/simulator/runner.py", "cocbot/storage/migrations/env.py"} <= set(names)
    assert any(name.startswith("cocbot/scenarios/") and name.endswith(".yml") for name in names)
    # The catalogs travel as .po and compiled .mo: an installed cocbot never compiles at run time.
    assert {"cocbot/bot/i18n/locale/messages.pot", "cocbot/bot/i18n/locale/es/LC_MESSAGES/messages.po",
            "cocbot/bot/i18n/locale/es/LC_MESSAGES/messages.mo"} <= set(names)
    assert not [name for name in names
                if name.startswith(("cocbot/tests/", "cocbot/bench/")) or name == "cocbot/setup.py"]


def test_the_license_file_is_the_one_pyproject_names() -> None:
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["license"]["text"]
    assert declared == "MIT"
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
    assert "`vX.Y.Z`" in (REPO / "CONTRIBUTING.md").read_text()  # how releases are tagged
