"""The words cocbot answers to in a forum post."""

from __future__ import annotations

from cocbot.bot.discourse.incoming import asks_onduty, duty_words


def test_duty_words_only_when_a_message_starts_with_onduty() -> None:
    assert duty_words("onduty take 2h") == ["take", "2h"]
    assert duty_words("  @On-Duty off") == ["off"]
    assert duty_words("onduty") == []
    assert duty_words("who is onduty?") is None
    assert duty_words("ondutyish") is None


def test_asking_who_is_on_duty_needs_the_mention_and_the_word() -> None:
    assert asks_onduty("Hey @cocbot who is onduty?", "cocbot")
    assert asks_onduty("@COCBOT on-duty please", "cocbot")
    assert not asks_onduty("who is onduty?", "cocbot")
    assert not asks_onduty("@cocbot hello", "cocbot")
    assert not asks_onduty("mail@cocbot onduty", "cocbot")
