"""Checks recorded Web API calls against the platforms' own published specs.

The specs (Slack's Web API OpenAPI document, Block Kit and manifest schemas, platform facts, Discourse's
OpenAPI document) are third-party files kept outside the repository. Their directory is ONE setting,
COCBOT_SPECS_DIR (default: ../shared/specs next to the checkout). Without them, tests that need a spec
skip with a reason naming the setting, and the fakes run without checking calls — which the session's
header and summary say, so a clone without the specs never looks fully checked.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SPECS_ENV = "COCBOT_SPECS_DIR"


def specs_dir() -> Path:
    return Path(os.environ.get(SPECS_ENV) or REPO.parent / "shared" / "specs")


def spec_file(*parts: str) -> Path:
    """A spec's path; skips the calling test, naming the setting, when it is not there."""
    import pytest

    path = specs_dir().joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"needs the third-party spec {'/'.join(parts)}, not found in {specs_dir()}: "
                    f"set {SPECS_ENV} to the specs directory (default ../shared/specs next to the repository)")
    return path


def have_specs() -> bool:
    return (specs_dir() / "slack" / "slack_web_openapi_v2.json").is_file()


def specs_status() -> str:
    """One line for the test session's header and summary."""
    from tests.fakes.discourse_specs import have_discourse_specs

    missing = [name for name, ok in (("Slack", have_specs()), ("Discourse", have_discourse_specs())) if not ok]
    if not missing:
        return f"third-party specs: {specs_dir()} ({SPECS_ENV}); the fakes check every call against them"
    return (f"third-party specs: {' and '.join(missing)} specs NOT found in {specs_dir()} ({SPECS_ENV}): the fakes "
            "do not check calls against them and the tests that need them are skipped")


def pytest_report_header() -> str:
    return specs_status()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (have_specs() and _have_discourse()):
        terminalreporter.write_line(specs_status(), yellow=True)


def _have_discourse() -> bool:
    from tests.fakes.discourse_specs import have_discourse_specs

    return have_discourse_specs()


@cache
def _slack_openapi() -> dict[str, Any]:
    return json.loads((specs_dir() / "slack" / "slack_web_openapi_v2.json").read_text())


@cache
def _block_kit() -> Any:
    # jsonschema-rs, not the pure-Python jsonschema: Block Kit's schema is one large oneOf over every block
    # and element type, which took ~60 ms per message in Python (a third of the whole suite's time) and takes
    # well under a millisecond here, with the same verdicts.
    import jsonschema_rs

    schema = json.loads((specs_dir() / "slack" / "block-kit" / "slack-block-kit.schema.json").read_text())
    defs = schema["$defs"]
    return {
        "modal": jsonschema_rs.Draft202012Validator({"$ref": "#/$defs/modal_view", "$defs": defs}),
        "home": jsonschema_rs.Draft202012Validator({"$ref": "#/$defs/home_view", "$defs": defs}),
        "blocks": jsonschema_rs.Draft202012Validator(schema),
    }


def check_slack_call(method: str, params: dict[str, Any]) -> list[str]:
    """Problems with one call: unknown method, missing required arguments, invalid views/blocks."""
    paths = _slack_openapi()["paths"]
    path = paths.get(f"/{method}")
    if path is None:
        return [f"{method}: not a method in Slack's Web API spec"]
    problems: list[str] = []
    for op in path.values():
        for p in op.get("parameters", []):
            # The token travels in the Authorization header; the spec lists it as a parameter.
            if p.get("required") and p["name"] != "token" and p["name"] not in params:
                problems.append(f"{method}: required argument {p['name']!r} missing")
    validators = _block_kit()
    if "view" in params and isinstance(params["view"], dict):
        kind = "home" if params["view"].get("type") == "home" else "modal"
        for err in validators[kind].iter_errors(params["view"]):
            problems.append(f"{method}: view invalid at {list(err.instance_path)}: {err.message[:200]}")
    if isinstance(params.get("blocks"), list):
        for err in validators["blocks"].iter_errors(params["blocks"]):
            problems.append(f"{method}: blocks invalid at {list(err.instance_path)}: {err.message[:200]}")
    return problems
