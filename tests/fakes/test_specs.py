"""The spec checks the fakes apply to every call catch what Slack would refuse (they are what makes a green
run mean the calls are valid)."""

from __future__ import annotations

import pytest

from tests.fakes.specs import check_slack_call, have_specs

pytestmark = pytest.mark.skipif(not have_specs(), reason="Slack's specs are not in ../shared/specs")

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Report"}, "blocks": [SECTION]}


def test_valid_calls_pass() -> None:
    assert check_slack_call("chat.postMessage", {"channel": "C1", "text": "hi", "blocks": [SECTION]}) == []
    assert check_slack_call("views.open", {"trigger_id": "t", "view": MODAL}) == []
    assert check_slack_call("views.publish", {"user_id": "U1", "view": {"type": "home", "blocks": [SECTION]}}) == []


@pytest.mark.parametrize("method, params, found", [
    ("chat.postMessage", {"channel": "C1", "blocks": [{"type": "no_such_block"}]}, "blocks invalid at [0]"),
    ("chat.postMessage", {"channel": "C1", "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                                                   "text": "x" * 3001}}]},
     "blocks invalid at [0]"),
    ("views.open", {"trigger_id": "t", "view": {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}},
     "view invalid at"),
    ("views.publish", {"user_id": "U1", "view": {"type": "home"}}, "view invalid at"),
    ("views.open", {"view": MODAL}, "required argument 'trigger_id' missing"),
    ("chat.postMessages", {"channel": "C1"}, "not a method"),
])
def test_invalid_calls_are_named(method: str, params: dict, found: str) -> None:
    problems = check_slack_call(method, params)
    assert any(found in p for p in problems), problems
