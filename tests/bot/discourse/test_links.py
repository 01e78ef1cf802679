"""Report-form links as the form sees them: valid for their member until used or expired, never forged."""

from __future__ import annotations

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.links import FormLinks
from cocbot.bot.messenger import DeliveryError
from cocbot.storage.db import Database
from tests.harness import make_config
from tests.handlers.discourse.conftest import PUBLIC_URL, discourse_section


def _links(db: Database, clock: ManualClock) -> FormLinks:
    config = make_config(discourse=discourse_section("http://forum.invalid", form_link_minutes=30))
    assert config.discourse is not None
    return FormLinks(db, clock, config.discourse)


async def test_a_link_opens_for_its_member_until_used_or_expired(db: Database) -> None:
    clock = ManualClock()
    links = _links(db, clock)
    token_id = links.token_id(42)
    assert token_id == links.token_id(42) != links.token_id(43)  # a retried post yields the same link
    async with db.transaction() as session:
        await links.create(session, token_id, "rita")
    username, url = await links.to_send(token_id)
    assert username == "rita" and url.startswith(f"{PUBLIC_URL}/discourse/report/{token_id}.")
    link = url.rsplit("/", 1)[1]
    state = await links.open(link)
    assert (state.token_id, state.username, state.refusal) == (token_id, "rita", None)
    assert (await links.open(link[:-2] + "xx")).refusal == "invalid"
    assert (await links.open("nothing.here")).refusal == "invalid"
    await links.spend(token_id, "R-0007")
    used = await links.open(link)
    assert (used.refusal, used.ref) == ("used", "R-0007")


async def test_an_expired_link_is_refused_and_a_missing_one_is_not_sent(db: Database) -> None:
    clock = ManualClock()
    links = _links(db, clock)
    async with db.transaction() as session:
        await links.create(session, links.token_id(1), "rita")
    _, url = await links.to_send(links.token_id(1))
    clock.advance(minutes=31)
    assert (await links.open(url.rsplit("/", 1)[1])).refusal == "expired"
    with pytest.raises(DeliveryError) as raised:
        await links.to_send("no-such-token")
    assert raised.value.code == "form_token_missing" and not raised.value.transient
