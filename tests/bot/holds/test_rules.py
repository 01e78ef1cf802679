"""The small decisions of held reports, as tables: which replies are hold words, which reports can be held."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cocbot.bot.holds.hooks import wants_hold
from cocbot.bot.holds.texts import hold_word
from tests.bot.reports.test_earlier_privacy_property import record


@pytest.mark.parametrize("raw, word", [
    ("release", "release"), ("  Release. ", "release"), ("send it", "release"), ("WITHDRAW!", "withdraw"),
    ("delete", "withdraw"), ("please release it when you can", None), ("more details: he did it again", None),
])
def test_only_a_lone_hold_word_is_a_command(raw: str, word: str | None) -> None:
    assert hold_word(raw) == word


def test_a_report_naming_nobody_is_never_held() -> None:
    report = record(1, "slack", None, (), (), ())
    assert not wants_hold(True, report)
    assert wants_hold(True, replace(report, implicated=("UM1",)))
    assert wants_hold(True, replace(report, flagged_author="UM1"))
    assert not wants_hold(False, replace(report, implicated=("UM1",)))
