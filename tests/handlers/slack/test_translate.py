"""Reading Slack's payload shapes: clicks, submissions, the ids a view carries, people named in a command."""

from __future__ import annotations

import pytest

from cocbot.bot.duty.times import DutyInputError
from cocbot.handlers.slack import translate


def test_a_click_names_its_value_clicker_and_channel_from_the_message_or_its_container() -> None:
    body = {"user": {"id": "UALICE"}, "actions": [{"value": "R-0001"}], "container": {"channel_id": "C1"}}
    assert translate.click(body) == ("R-0001", "UALICE", "C1")
    assert translate.click({"user": {"id": "UALICE"}, "actions": [{}]}) == ("", "UALICE", None)


def test_a_submission_reads_metadata_values_and_a_key_per_view() -> None:
    view = {"id": "V1", "private_metadata": '{"ref":"R-0001","question":7}',
            "state": {"values": {"text": {"any_action": {"value": "hello"}},
                                 "assignee": {"a": {"selected_user": "UBOB"}},
                                 "risk": {"a": {"selected_option": {"value": "low"}}}}}}
    meta, vals, user, key = translate.submission({"view": view, "user": {"id": "UALICE"}})
    assert (meta["ref"], user, key) == ("R-0001", "UALICE", "slack:view:V1")
    assert translate.text_value(vals, "text") == "hello"
    assert translate.user(vals, "assignee") == "UBOB" and translate.user(vals, "missing") is None
    assert translate.assessment_values(vals)["risk"] == "low"
    assert translate.number(meta, "question") == 7 and translate.number(meta, "ref") == 0


def test_metadata_that_is_not_a_json_object_reads_as_empty() -> None:
    assert translate.metadata({"private_metadata": "not json"}) == {}
    assert translate.metadata({"private_metadata": "[1]"}) == {}


def test_people_and_channels_in_a_command_only_as_slack_writes_them() -> None:
    assert translate.reference("<@UBOB|bob>") == ("user", "UBOB")
    assert translate.reference("<#C0GENERAL|general>") == ("channel", "C0GENERAL")
    assert translate.reference("2h") is None
    with pytest.raises(DutyInputError, match="Pick them from Slack's suggestions"):
        translate.reference("@bob")
    with pytest.raises(DutyInputError, match="Pick it from Slack's suggestions"):
        translate.reference("#general")
