"""Checks every request the bot sends to the fake Discourse — and every answer the fake gives — against
Discourse's published OpenAPI document (../shared/specs/discourse/openapi.json).

Requests: the path and method must be an operation in the document; required path/query/header
parameters present; JSON bodies valid against the operation's request schema (which forbids unknown
keys for POST /posts.json, so a misspelt field fails). Responses: every field the fake returns must be
documented with the right type, so the bot can only come to rely on documented fields. `required`
lists are not enforced on responses: the fake returns the fields cocbot reads, not all of them.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from tests.fakes.specs import specs_dir

# Documented by Discourse elsewhere but missing from the rswag-generated document: a PM topic's details
# list its allowed users and groups (cocbot reads them for the live membership check).
UNDOCUMENTED_RESPONSE_FIELDS = {("GET", "/t/{id}.json"): ({"details"}, {"allowed_users", "allowed_groups"})}
# Admin routes Discourse has (config/routes.rb: admin/users/:id/unsuspend and /unsilence, the admin UI's
# "Unsuspend" and "Unsilence" buttons) that the rswag-generated document leaves out. They take no body.
UNDOCUMENTED_OPERATIONS = (re.compile(r"^/admin/users/\d+/(unsuspend|unsilence)\.json$"),)


def have_discourse_specs() -> bool:
    return (specs_dir() / "discourse" / "openapi.json").is_file()


@cache
def _doc() -> dict[str, Any]:
    return json.loads((specs_dir() / "discourse" / "openapi.json").read_text())


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in _doc()["paths"]:
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{[^}]+\\\}", r"([^/]+)", pattern)
        out.append((re.compile(f"^{pattern}$"), template))
    # Literal paths first: /t/external_id/{x}.json must not be read as /t/{id}.json.
    out.sort(key=lambda p: (p[1].count("{"), -len(p[1])))
    return out


def operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for pattern, template in _templates():
        if pattern.match(path):
            op = _doc()["paths"][template].get(method.lower())
            if op is not None:
                return template, op
    return None


def _strip_required(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip_required(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_strip_required(v) for v in schema]
    return schema


def check_request(method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]) -> list[str]:
    import jsonschema

    found = operation(method, path)
    if found is None and method == "PUT" and body is None and any(p.match(path) for p in UNDOCUMENTED_OPERATIONS):
        return []
    if found is None:
        return [f"{method} {path}: not an operation in Discourse's OpenAPI document"]
    template, op = found
    problems: list[str] = []
    lowered = {k.lower(): v for k, v in headers.items()}
    for p in op.get("parameters", []):
        if not p.get("required"):
            continue
        where, name = p.get("in"), p["name"]
        if where == "query" and name not in query:
            problems.append(f"{method} {template}: required query parameter {name!r} missing")
        if where == "header" and name.lower() not in lowered:
            problems.append(f"{method} {template}: required header {name!r} missing")
    for name in ("api-key", "api-username"):
        if name not in lowered:
            problems.append(f"{method} {template}: {name} header missing (Discourse authenticates with it)")
    request_body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if body is not None:
        if request_body is None:
            problems.append(f"{method} {template}: sends a body the operation does not take")
        else:
            for err in jsonschema.Draft202012Validator(request_body["schema"]).iter_errors(body):
                problems.append(f"{method} {template}: body invalid at {list(err.absolute_path)}: {err.message[:200]}")
    return problems


def check_response(method: str, path: str, status: int, body: Any) -> list[str]:
    import jsonschema

    found = operation(method, path)
    if found is None:
        return []
    template, op = found
    response = (op.get("responses") or {}).get(str(status))
    if response is None:
        return [f"{method} {template}: the fake answers {status}, which the document does not list"]
    schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
    if schema is None or body is None:
        return []
    schema = _strip_required(copy.deepcopy(schema))
    body = copy.deepcopy(body)
    parents, extra = UNDOCUMENTED_RESPONSE_FIELDS.get((method, template), (set(), set()))
    for parent in parents:
        if isinstance(body.get(parent), dict):
            for key in extra:
                body[parent].pop(key, None)
    return [f"{method} {template}: response field {list(err.absolute_path)} not as documented: {err.message[:200]}"
            for err in jsonschema.Draft202012Validator(schema).iter_errors(body)]
