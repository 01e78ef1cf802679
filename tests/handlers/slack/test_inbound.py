"""The fast `payload=` decoder reads every body exactly as Bolt's own parser does."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from cocbot.handlers.slack.inbound import parse_slack_body

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json, st.sampled_from([quote_plus, quote]), st.booleans())
def test_payload_bodies_parse_as_bolt_parses_them(value: object, encode: object, lower: bool) -> None:
    body = "payload=" + encode(json.dumps({"type": "view_submission", "v": value}))  # type: ignore[operator]
    if lower:  # escapes may come in either case
        body = "".join(body[i:i + 3].lower() if body[i] == "%" else body[i] for i in range(len(body))
                       if i < 2 or body[i - 1] != "%" and body[i - 2] != "%")
    content_type = "application/x-www-form-urlencoded"
    assert parse_slack_body(body, content_type) == parse_body(body, content_type)


def test_other_bodies_take_bolts_own_path() -> None:
    form = "application/x-www-form-urlencoded"
    for body in (urlencode({"command": "/report", "text": "a=b&c", "user_id": "U1"}),
                 "payload=" + quote_plus('{"a": 1}') + "&extra=1", "payload=%7B%22a%22%3A%20%22100%%22%7D",
                 '{"type": "event_callback"}', ""):
        ctype = "application/json" if body.startswith("{") else form
        assert parse_slack_body(body, ctype) == parse_body(body, ctype)
