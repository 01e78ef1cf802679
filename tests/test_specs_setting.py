"""A clone without the third-party specs: the tests that need them skip, naming the one setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.specs import REPO, SPECS_ENV

NEEDS_SPECS = ("tests/test_manifest.py", "tests/handlers/slack/test_signature.py",
               "tests/handlers/discourse/test_announcements.py")


def test_without_the_specs_nothing_fails_and_every_skip_names_the_setting(tmp_path: Path) -> None:
    env = {**os.environ, SPECS_ENV: str(tmp_path / "no-specs-here")}
    env.pop("COCBOT_TEST_POSTGRES_URL", None)  # only the specs are under test here
    result = subprocess.run([sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", *NEEDS_SPECS],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert result.returncode == 0, out[-3000:]
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED") and "PostgreSQL" not in line]
    assert len(skips) >= 3, out[-3000:]
    assert all(SPECS_ENV in line and "no-specs-here" in line for line in skips), skips
    assert f"specs NOT found in {tmp_path / 'no-specs-here'} ({SPECS_ENV})" in out  # the session says so
