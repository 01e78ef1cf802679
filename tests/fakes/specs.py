"""Checks recorded Web API calls against the platforms' own published specs in ../shared/specs/."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def specs_dir() -> Path:
    return Path(os.environ.get("COCBOT_SPECS_DIR") or REPO.parent / "shared" / "specs")


def have_specs() -> bool:
    return (specs_dir() / "slack" / "slack_web_openapi_v2.json").is_file()


@lru_cache(maxsize=None)
def _slack_openapi() -> dict[str, Any]:
    return json.loads((specs_dir() / "slack" / "slack_web_openapi_v2.json").read_text())


@lru_cache(maxsize=None)
def _block_kit() -> Any:
    import jsonschema

    schema = json.loads((specs_dir() / "slack" / "block-kit" / "slack-block-kit.schema.json").read_text())
    defs = schema["$defs"]
    return {
        "modal": jsonschema.Draft202012Validator({"$ref": "#/$defs/modal_view", "$defs": defs}),
        "home": jsonschema.Draft202012Validator({"$ref": "#/$defs/home_view", "$defs": defs}),
        "blocks": jsonschema.Draft202012Validator(schema),
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
            problems.append(f"{method}: view invalid at {list(err.absolute_path)}: {err.message[:200]}")
    if isinstance(params.get("blocks"), list):
        for err in validators["blocks"].iter_errors(params["blocks"]):
            problems.append(f"{method}: blocks invalid at {list(err.absolute_path)}: {err.message[:200]}")
    return problems
