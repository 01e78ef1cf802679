"""HTTP mode accepts only requests signed by Slack within the replay window."""

from __future__ import annotations

import json
import time
from pathlib import Path


from tests.fakes.specs import spec_file
from tests.harness import GENERAL, Harness, sign


def test_signing_matches_slacks_published_test_vector() -> None:
    path = spec_file("slack", "slack-platform-facts.json")
    vector = json.loads(Path(path).read_text())["request_signing"]["test_vector"]
    assert sign(vector["body"], vector["timestamp"], vector["signing_secret"]) == vector["expected_signature"]


async def test_unsigned_request_is_rejected(bot: Harness) -> None:
    resp = await bot.post_form(bot.slash_fields("UREPORTER", GENERAL), signed=False)
    assert resp.status == 401
    assert bot.fake.calls_to("views.open") == []


async def test_bad_signature_is_rejected(bot: Harness) -> None:
    resp = await bot.post_form(bot.slash_fields("UREPORTER", GENERAL), signature="v0=" + "0" * 64)
    assert resp.status == 401


async def test_stale_timestamp_is_rejected_even_if_correctly_signed(bot: Harness) -> None:
    stale = str(int(time.time()) - 6 * 60)
    resp = await bot.post_form(bot.slash_fields("UREPORTER", GENERAL), timestamp=stale)
    assert resp.status == 401
    assert bot.fake.calls_to("views.open") == []


async def test_signature_over_a_tampered_body_is_rejected(bot: Harness) -> None:
    from urllib.parse import urlencode

    fields = bot.slash_fields("UREPORTER", GENERAL)
    ts = str(int(time.time()))
    signature = sign(urlencode(fields), ts)
    fields["user_id"] = "UMALLORY"
    resp = await bot.post_form(fields, timestamp=ts, signature=signature)
    assert resp.status == 401


async def test_correctly_signed_request_is_answered(bot: Harness) -> None:
    resp = await bot.slash("UREPORTER", GENERAL)
    assert resp.status == 200
    assert len(bot.fake.calls_to("views.open")) == 1
