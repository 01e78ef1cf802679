"""The `/onduty` grammar both platforms share: sub-commands, people and channels, durations, shift numbers,
and the specific message for what is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cocbot.bot.duty.commands import DutyCommand, parse
from cocbot.bot.duty.times import DutyInputError


def slack_like(token: str) -> tuple[str, str] | None:
    """A reader like an edge's: `<@U…>` is a person, `<#C…>` a channel, a bare `#name` is unresolved."""
    if token.startswith("<@"):
        return "user", token[2:-1]
    if token.startswith("<#"):
        return "channel", token[2:-1]
    if token.startswith("#"):
        raise DutyInputError(f"I couldn't find the channel {token}.")
    return None


COMMANDS = [
    # (typed, the command's action and the fields that matter)
    ("", DutyCommand("status")),
    ("who", DutyCommand("status", "who")),
    ("NOW", DutyCommand("status", "now")),
    ("help", DutyCommand("help", "help")),
    ("dance", DutyCommand("unknown", "dance")),
    ("{u:UEVIL}", DutyCommand("unknown", "(u:uevil)")),  # braces never reach a reply as placeholders
    ("take", DutyCommand("take", "take")),
    ("take 2h", DutyCommand("take", "take", words=("2h",), duration=timedelta(hours=2))),
    ("Take 1h 30m", DutyCommand("take", "take", words=("1h", "30m"), duration=timedelta(minutes=90))),
    ("take 2h <#CA>", DutyCommand("take", "take", channels=("CA",), words=("2h",), duration=timedelta(hours=2))),
    ("take all", DutyCommand("take", "take", all_channels=True)),
    ("off", DutyCommand("off", "off")),
    ("handover <@UB>", DutyCommand("handover", "handover", users=("UB",))),
    ("schedule <@UB> <#CA> today 14:00 2h", DutyCommand(
        "schedule", "schedule", users=("UB",), channels=("CA",), words=("today", "14:00", "2h"))),
    ("schedule <@UB> everywhere tomorrow 9:30 11:00", DutyCommand(
        "schedule", "schedule", users=("UB",), all_channels=True, words=("tomorrow", "9:30", "11:00"))),
    ("list", DutyCommand("list", "list")),
    ("cancel 12", DutyCommand("cancel", "cancel", words=("12",), shift=12)),
    ("cancel #12", DutyCommand("cancel", "cancel", words=("#12",), shift=12)),
]


@pytest.mark.parametrize("text,expected", COMMANDS)
def test_commands(text: str, expected: DutyCommand) -> None:
    reader = slack_like if "<" in text or "#12" not in text else (lambda t: None)
    assert parse(text, reader) == expected


PROBLEMS = [
    ("take two hours", "“two” is not a duration"),
    ("take 2h 3h", "Give one duration"),
    ("take 0h", "has to last longer"),
    ("take 2h all <#CA>", "not both"),
    ("take 2h #general", "couldn't find the channel #general"),
    ("handover", "Name one person to hand over to"),
    ("handover <@UA> <@UB>", "Name one person to hand over to"),
    ("schedule <#CA> today 14:00 2h", "Name one facilitator"),
    ("schedule <@UB> today 14:00 2h", "Name the channel(s) the shift covers"),
    ("cancel", "Say which shift"),
    ("cancel twelve", "Say which shift"),
    ("cancel 1 2", "Say which shift"),
]


@pytest.mark.parametrize("text,problem", PROBLEMS)
def test_what_is_wrong_is_said(text: str, problem: str) -> None:
    command = parse(text, slack_like)
    assert command.problem is not None and problem in command.problem


def test_without_a_reader_names_are_plain_words() -> None:
    """On the forum nobody is named in a command: `#general` is just a word, so a duration is wrong."""
    assert parse("take 2h").duration == timedelta(hours=2)
    assert "not a duration" in (parse("take #general").problem or "")
    assert parse("handover <@UB>").problem  # no reader: nobody was named
