"""The triage command grammar: the words a committee member replies with, read into the actions the buttons make."""

from __future__ import annotations

from cocbot.bot.triage.commands import parse
from cocbot.bot.triage.rules import Outcome


def test_commands_are_parsed_like_the_buttons() -> None:
    assert parse("ack").action == "acknowledge"
    assert parse("Assign me please").action == "assign"
    assert parse("conflict").action == "recuse"
    assert (parse("note: called them").action, parse("note: called them").text) == ("note", "called them")
    assert parse("ask When did it start?").text == "When did it start?"
    d = parse("decide private_reprimand We spoke to them.")
    assert (d.outcome.value, d.text) == ("private_reprimand", "We spoke to them.")  # type: ignore[union-attr]
    assert parse("decide no action").problem
    a = parse("assess risk high, impact: low; ongoing=no\nunsafe no, reporter witness, category harass")
    assert a.values == {"risk": "high", "impact": "low", "ongoing": "no", "unsafe": "no",
                        "reporter_role": "witness", "category": "harass"}
    assert parse("assess").problem
    ban = parse("decide temporary ban\nwho: mallory, @Trent\nscope: forum and calls\nuntil: 2027-03-31\nBanned.")
    assert (ban.outcome, ban.ban_subjects, ban.ban_scope, ban.text) == (
        Outcome.TEMPORARY_BAN, ("mallory", "trent"), "forum and calls", "Banned.")
    assert ban.ban_until is not None and ban.ban_until.date().isoformat() == "2027-03-31"
    assert "YYYY-MM-DD" in parse("decide temporary ban\nuntil: next week").problem
    assert parse("note").problem
    assert parse("I think we should talk first").action == "unknown"
