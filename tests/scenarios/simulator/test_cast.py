"""The cast: a story's roles as made-up ids, or recast onto a real community's committee."""

from __future__ import annotations

import yaml

from cocbot.bot.config.community import parse_config
from cocbot.handlers.slack.testing.fake_api import FakeSlack
from cocbot.scenarios.simulator.cast import Cast, populate
from cocbot.scenarios.simulator.format import parse_scenario
from tests.scenarios.simulator.stories import STORY

REAL = parse_config({"committee": {"channel": "C0123COMMIT", "members": ["U01AAA"], "escalation_contact": "U09ZZZ"}})


def test_a_story_gets_made_up_ids_and_names_with_hats() -> None:
    cast = Cast.for_story(parse_scenario(yaml.safe_load(STORY)))
    assert cast.user("alice") == "UALICE" and cast.channel("committee") == "CCOMMITTEE"
    assert cast.name("UALICE") == "alice (committee)" and cast.short_name("UALICE") == "alice"
    assert cast.channel_name("CGENERAL") == "#general" and cast.channel_name("DUALICE") == "DM"


def test_recast_the_committee_roles_are_played_by_the_real_committee_in_order() -> None:
    cast = Cast.onto_config(parse_scenario(yaml.safe_load(STORY)), REAL)
    assert cast.user("alice") == "U01AAA" and cast.user("erin") == "U09ZZZ"
    assert cast.user("bob") == "UBOB"  # a one-member committee has no one for the story's second member
    assert cast.channel("committee") == "C0123COMMIT"
    assert cast.name("U01AAA") == "alice (committee) = U01AAA"


def test_recast_the_real_committee_channel_holds_the_real_committee_not_the_extra_story_roles() -> None:
    scenario = parse_scenario(yaml.safe_load(STORY))
    cast = Cast.onto_config(scenario, REAL)
    fake = FakeSlack()
    populate(fake, scenario, cast, REAL, also_in_committee_channel=("U05EEE",))
    assert fake.channels["C0123COMMIT"].members == {"U01AAA", "U05EEE", fake.bot_user_id}
    assert fake.channels["CGENERAL"].members == {"URITA", "UMALLORY", fake.bot_user_id}
