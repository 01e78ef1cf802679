"""The registry of messengers: one per platform, the first serving any platform not listed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cocbot.bot.messenger import Messengers


@dataclass
class Named:
    platform: str


def test_each_platform_gets_its_own_messenger_and_the_first_serves_the_rest() -> None:
    slack, forum = Named("slack"), Named("discourse")
    messengers = Messengers(slack, forum)  # type: ignore[arg-type]
    assert messengers.on("slack") is slack and messengers.on("discourse") is forum
    assert messengers["discourse"] is forum
    assert messengers.primary is slack and messengers.on("elsewhere") is slack
    # A community on Discourse only.
    assert Messengers(forum).on("slack") is forum  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        Messengers(forum)["slack"]  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Messengers()
