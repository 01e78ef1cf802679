"""The privacy property over random committees: nobody implicated or excluded ever receives report
content through any recorded call, and every report reaches someone eligible or is held and said so."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.handlers.slack.privacy_support import BOT, PROPERTY, each_example, slack_world

POOL = [f"UP{i}" for i in range(8)]
REPORTER = "UREPORTER"
SECRET = "SECRET-7f3a"
SNAPSHOT = "SNAPSHOT-91be"


@st.composite
def situations(draw: st.DrawFn) -> dict:
    members = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=5, unique=True))
    escalation = draw(st.sampled_from(POOL))
    channel_members = set(draw(st.lists(st.sampled_from(POOL + ["UGUEST"]), max_size=8, unique=True)))
    bot_in_channel = draw(st.booleans()) or draw(st.booleans())
    implicated = draw(st.lists(st.sampled_from(POOL + ["UGUEST"]), max_size=4, unique=True))
    excluded = draw(st.lists(st.sampled_from(POOL), max_size=5, unique=True))
    flagged_author = draw(st.one_of(st.none(), st.sampled_from(POOL + ["UGUEST"])))
    keep_author_in_form = draw(st.booleans())
    anonymity = draw(st.sampled_from(["named", "confidential", "anonymous"]))
    return dict(members=members, escalation=escalation, channel_members=channel_members,
                bot_in_channel=bot_in_channel, implicated=implicated, excluded=excluded,
                flagged_author=flagged_author, keep_author_in_form=keep_author_in_form, anonymity=anonymity)


def committee_channel(s: dict) -> set[str]:
    return set(s["channel_members"]) | ({BOT} if s["bot_in_channel"] else set())


async def run(s: dict, tmp: str) -> None:
    async with slack_world(tmp, users=POOL + ["UGUEST", REPORTER], committee_channel=committee_channel(s),
                           general=set(POOL) | {"UGUEST", REPORTER}, members=s["members"],
                           escalation=s["escalation"]) as bot:
        fake = bot.fake
        values = {"description": f"what happened {SECRET}", "implicated": s["implicated"],
                  "exclude": s["excluded"], "anonymity": s["anonymity"]}
        if s["flagged_author"]:
            await bot.message_shortcut(REPORTER, "CGENERAL", author=s["flagged_author"], text=f"msg {SNAPSHOT}")
            if not s["keep_author_in_form"]:
                values["implicated"] = [u for u in s["implicated"] if u != s["flagged_author"]]
        else:
            await bot.slash(REPORTER, "CGENERAL")
        resp = await bot.submit_view(REPORTER, values)
        assert resp.json()["response_action"] == "update"
        await bot.drain()

        blocked = set(s["implicated"]) | set(s["excluded"]) | ({s["flagged_author"]} if s["flagged_author"] else set())
        for needle in (SECRET, SNAPSHOT):
            leaked = fake.who_saw(needle) & blocked
            assert not leaked, f"{needle} reached {leaked}\n{fake.transcript()}"
            # Only committee members, the escalation contact and the reporter ever see content.
            assert fake.who_saw(needle) <= set(s["members"]) | {s["escalation"], REPORTER}
        if s["anonymity"] == "anonymous":
            assert not any(REPORTER in seen.text for seen in fake.seen if seen.user != REPORTER)

        eligible = set(s["members"]) - blocked
        readers = fake.who_saw(SECRET) - {REPORTER}
        if eligible:
            assert readers and readers <= eligible
        elif s["escalation"] not in blocked:
            assert readers == {s["escalation"]}
        else:
            assert readers == set()
            assert any("could not be passed on" in m["text"] for m in fake.dms_to(REPORTER))
        assert not fake.violations, fake.violations


@PROPERTY
@given(situations())
def test_no_implicated_or_excluded_person_ever_receives_report_content(s: dict) -> None:
    each_example(run, s)


# Danger pages reach people who are not readers (facilitators on duty): the same property holds for them.
FACILITATORS = [f"UF{i}" for i in range(3)]


@st.composite
def danger_situations(draw: st.DrawFn) -> dict:
    s = draw(situations())
    on_duty = draw(st.lists(st.sampled_from(FACILITATORS + POOL), max_size=3, unique=True))
    # Facilitators (and committee members on duty) may be named too.
    s["implicated"] = list(dict.fromkeys(s["implicated"] + draw(st.lists(st.sampled_from(on_duty or ["UGUEST"]),
                                                                         max_size=2))))
    s.update(on_duty=on_duty, flagged_author=None)
    return s


async def run_danger(s: dict, tmp: str) -> None:
    from datetime import timedelta

    async with slack_world(tmp, users=POOL + FACILITATORS + ["UGUEST", REPORTER],
                           committee_channel=committee_channel(s),
                           general=set(POOL + FACILITATORS) | {"UGUEST", REPORTER, BOT}, members=s["members"],
                           escalation=s["escalation"], duty={"facilitators": FACILITATORS}) as bot:
        fake = bot.fake
        for person in s["on_duty"]:
            # Several people on duty in one channel at once need pairs; one at a time is enough here.
            reply = await bot.runtime.services.duty.take(person, frozenset({"CGENERAL"}), timedelta(hours=3))
            if not reply.ok:
                s["on_duty"] = [p for p in s["on_duty"] if p != person]
        ref = await bot.report(REPORTER, "CGENERAL", description=f"what happened {SECRET}", danger="yes",
                               implicated=s["implicated"], exclude=s["excluded"], anonymity=s["anonymity"])
        await bot.drain()
        bot.clock.advance(minutes=75)  # past the deadline: the escalation contact is paged too
        await bot.drain()
        blocked = set(s["implicated"]) | set(s["excluded"])
        paged = {u for u in POOL + FACILITATORS + ["UGUEST"]
                 if any(ref in str(m) and "danger" in str(m) for m in fake.dms_to(u))}
        assert not paged & blocked, f"{paged & blocked} were paged\n{fake.transcript()}"
        assert paged <= set(s["members"]) | set(s["on_duty"]) | {s["escalation"]}
        assert not fake.who_saw(SECRET) & (blocked | set(FACILITATORS))
        expected = (set(s["members"]) | set(s["on_duty"])) - blocked
        assert expected <= paged or not expected, (expected, paged)
        assert not fake.violations, fake.violations


@PROPERTY
@given(danger_situations())
def test_nobody_implicated_or_excluded_is_ever_paged_about_danger(s: dict) -> None:
    each_example(run_danger, s)


@st.composite
def picked_situations(draw: st.DrawFn) -> dict:
    s = draw(situations())
    s["readers"] = draw(st.lists(st.sampled_from(s["members"]), min_size=1, max_size=len(s["members"]), unique=True))
    s["flagged_author"] = None
    return s


async def run_picked(s: dict, tmp: str) -> None:
    async with slack_world(tmp, users=POOL + ["UGUEST", REPORTER], committee_channel=committee_channel(s),
                           general=set(POOL) | {"UGUEST", REPORTER}, members=s["members"],
                           escalation=s["escalation"]) as bot:
        fake = bot.fake
        await bot.slash(REPORTER, "CGENERAL")
        resp = await bot.submit_view(REPORTER, {"description": f"what happened {SECRET}", "readers": s["readers"],
                                                "implicated": s["implicated"], "exclude": s["excluded"],
                                                "anonymity": s["anonymity"]})
        blocked = set(s["implicated"]) | set(s["excluded"])
        if resp.json()["response_action"] == "errors":
            # Refused only when every chosen member is also named or excluded.
            assert set(s["readers"]) <= blocked
            return
        await bot.drain()
        bot.clock.advance(hours=30)  # past the deadline: escalations stay with the chosen members
        await bot.drain()
        readers = fake.who_saw(SECRET) - {REPORTER}
        assert not readers & blocked, f"{readers & blocked}\n{fake.transcript()}"
        assert readers <= set(s["readers"]), f"{readers - set(s['readers'])}\n{fake.transcript()}"
        # And nobody outside the chosen members is even told the reference.
        ref_seen = {seen.user for seen in fake.seen if "R-0001" in seen.text} - {REPORTER}
        assert ref_seen <= set(s["readers"]) - blocked, ref_seen
        assert not fake.violations, fake.violations


@PROPERTY
@given(picked_situations())
def test_with_chosen_readers_nobody_outside_them_ever_receives_the_report(s: dict) -> None:
    each_example(run_picked, s)


@st.composite
def behalf_situations(draw: st.DrawFn) -> dict:
    s = draw(situations())
    s["on_behalf"] = draw(st.sampled_from([REPORTER, "UGUEST", *POOL]))
    s["implicated"] = [u for u in s["implicated"] if u != s["on_behalf"]]
    s["excluded"] = [u for u in s["excluded"] if u != s["on_behalf"]]
    s["flagged_author"] = None
    return s


async def run_behalf(s: dict, tmp: str) -> None:
    filer = FACILITATORS[0]
    async with slack_world(tmp, users=POOL + FACILITATORS + ["UGUEST", REPORTER],
                           committee_channel=committee_channel(s),
                           general=set(POOL + FACILITATORS) | {"UGUEST", REPORTER}, members=s["members"],
                           escalation=s["escalation"], duty={"facilitators": FACILITATORS}) as bot:
        fake = bot.fake
        await bot.slash(filer, "CGENERAL")
        resp = await bot.submit_view(filer, {"description": f"what happened {SECRET}", "on_behalf": s["on_behalf"],
                                             "implicated": s["implicated"], "exclude": s["excluded"],
                                             "anonymity": s["anonymity"]})
        assert resp.json()["response_action"] == "update", resp.json()
        await bot.drain()
        await bot.click(s["on_behalf"], "behalf_confirm_anonymous", "R-0001")
        await bot.drain()
        blocked = set(s["implicated"]) | set(s["excluded"])
        seen = fake.who_saw(SECRET)
        assert not seen & blocked, f"{seen & blocked}\n{fake.transcript()}"
        assert seen <= set(s["members"]) | {s["escalation"], s["on_behalf"]}
        assert filer not in seen  # told what a witness is told: never the report back
        assert not fake.violations, fake.violations


@PROPERTY
@given(behalf_situations())
def test_a_report_filed_on_someones_behalf_never_reaches_anyone_implicated_or_excluded(s: dict) -> None:
    each_example(run_behalf, s)
