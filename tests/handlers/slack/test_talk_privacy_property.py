"""The privacy property for talk-first conversations, over random rosters and committees: nobody the member
excluded (nor, on the bypass path, the facilitator on duty) is ever a party to the conversation, whoever is
on duty, whoever is picked, handed over to or chosen next; nothing reaches the committee channel; an
anonymous member's id never reaches the other side."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.privacy_support import BOT, PROPERTY, each_example, slack_world
from tests.harness import Harness

POOL = [f"UP{i}" for i in range(7)]
MEMBER = "UMEMBER"
SECRET = "SECRET-talk-5c1d"
LATER = "LATER-talk-0a9e"


@st.composite
def situations(draw: st.DrawFn) -> dict:
    committee = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
    facilitators = draw(st.lists(st.sampled_from(POOL), max_size=4, unique=True))
    people = sorted(set(committee) | set(facilitators))
    return dict(
        committee=committee, facilitators=facilitators,
        on_duty=draw(st.one_of(st.none(), st.sampled_from(people))),
        excluded=draw(st.lists(st.sampled_from(POOL), max_size=4, unique=True)),
        whom=draw(st.sampled_from(["on_duty", "pick", "bypass"])),
        pick=draw(st.one_of(st.none(), st.sampled_from(POOL))),
        anonymous=draw(st.booleans()),
        handover_to=draw(st.one_of(st.none(), st.sampled_from(POOL))),
        agrees=draw(st.booleans()),
        someone_else=draw(st.one_of(st.none(), st.sampled_from(POOL))),
    )


def button(fake: FakeSlack, user: str, action_id: str) -> str | None:
    for m in reversed(fake.dms_to(user)):
        for block in m.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == action_id:
                    return str(element["value"])
    return None


async def through_modal(bot: Harness, user: str, action_id: str, values: dict) -> None:
    value = button(bot.fake, user, action_id)
    if value is None:
        return
    await bot.click(user, action_id, value, channel=f"D{user}", expect_view=True)
    await bot.submit_view(user, values)
    await bot.drain()


async def run(s: dict, tmp: str) -> None:
    async with slack_world(tmp, users=[*POOL, MEMBER, "UESC"], committee_channel={*s["committee"], BOT},
                           general={*POOL, MEMBER, BOT}, members=s["committee"], escalation="UESC",
                           db="t.sqlite3", duty={"facilitators": s["facilitators"]}) as bot:
        fake = bot.fake
        if s["on_duty"]:
            await bot.runtime.services.duty.take(s["on_duty"], frozenset(), None)
            await bot.drain()
        await bot.slash(MEMBER, "CGENERAL", "/talk", expect_view=True)
        values: dict = {"text": f"I am unsure {SECRET}", "whom": s["whom"], "exclude": s["excluded"],
                        "anonymity": "anonymous" if s["anonymous"] else "named"}
        if s["pick"]:
            values["pick"] = s["pick"]
        await bot.submit_view(MEMBER, values)
        await bot.drain()
        helpers = [u for u in POOL if button(fake, u, "talk_reply")]
        allowed = set(s["committee"]) | set(s["facilitators"])
        # Not vacuous: an eligible choice does start a conversation with them.
        if s["whom"] == "on_duty" and s["on_duty"] in allowed - set(s["excluded"]):
            assert helpers == [s["on_duty"]]
        if s["whom"] == "pick" and s["pick"] in allowed - set(s["excluded"]):
            assert helpers == [s["pick"]]
        if helpers:
            [helper] = helpers
            if s["handover_to"]:
                await through_modal(bot, helper, "talk_handover", {"colleague": s["handover_to"]})
                agree = "talk_handover_agree" if s["agrees"] else "talk_handover_decline"
                value = button(fake, MEMBER, agree)
                if value is not None:
                    await bot.click(MEMBER, agree, value, channel=f"D{MEMBER}")
                    await bot.drain()
            await through_modal(bot, MEMBER, "talk_reply", {"text": f"more {LATER}"})
            if s["someone_else"]:
                await through_modal(bot, MEMBER, "talk_someone_else", {"pick": s["someone_else"]})

        barred = set(s["excluded"])
        if s["whom"] == "bypass" and s["on_duty"]:
            barred.add(s["on_duty"])
        for needle in (SECRET, LATER):
            saw = fake.who_saw(needle) - {MEMBER}
            assert not saw & barred, f"{needle} reached {saw & barred}\n{fake.transcript()}"
            assert saw <= allowed, f"{needle} reached {saw - allowed}"
        # Before a report nothing reaches the committee, not even a count.
        assert not fake.messages_in("CCOMMITTEE")
        if s["anonymous"]:
            for user in POOL:
                assert not any(MEMBER in flatten(m) for m in fake.dms_to(user)), fake.transcript()
        assert not fake.violations, fake.violations


@PROPERTY
@given(situations())
def test_no_one_the_member_excluded_is_ever_a_party_to_the_conversation(s: dict) -> None:
    each_example(run, s)
