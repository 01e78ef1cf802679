"""The forum's talk grammar: how a PM starts a conversation, and the commands inside one."""

from __future__ import annotations

from cocbot.bot.talk.commands import InThread, Start, parse_in_thread, parse_start


def test_start_options_and_first_message() -> None:
    assert parse_start("talk\nI am not sure.") == Start("I am not sure.")
    assert parse_start("Talk anonymously to @Fiona not @bob @carol\nHello\nthere") == Start(
        "Hello\nthere", pick="fiona", excluded=("bob", "carol"), anonymous=True)
    assert parse_start("talk about duty to fred\nx") == Start("x", pick="fred", bypass=True)
    assert parse_start("talk") == Start("")
    assert parse_start("I want to talk") is None
    assert parse_start("talkative") is None


def test_commands_only_when_the_whole_post_is_one() -> None:
    assert parse_in_thread("make this a report") == InThread("report")
    assert parse_in_thread("Suggest a report.") == InThread("suggest")
    assert parse_in_thread("hand over to @Fred") == InThread("handover", person="fred")
    assert parse_in_thread("someone else @alice") == InThread("someone_else", person="alice")
    assert parse_in_thread("agree") == InThread("agree")
    assert parse_in_thread("keep as we are") == InThread("decline")
    assert parse_in_thread("end") == InThread("end")
    said = "I agree that I should make this a report later"
    assert parse_in_thread(said) == InThread("say", said)
