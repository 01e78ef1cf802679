"""The privacy property, extended to every triage action: over random committees, channel memberships,
implicated/excluded people, anonymity, and random sequences of triage clicks by anyone (committee members,
implicated or excluded people, outsiders), nobody implicated or excluded ever receives report content, a
member who recuses receives nothing of the report from then on, and an anonymous reporter's id never
reaches the committee's side."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cocbot.handlers.slack.listeners.triage_buttons import BUTTONS, Act
from cocbot.storage import reports as reports_q
from tests.handlers.slack.privacy_support import BOT, PROPERTY, each_example, slack_world
from tests.harness import Harness

POOL = [f"UP{i}" for i in range(6)]
REPORTER = "UREPORTER"
GUEST = "UGUEST"
SECRET = "SECRET"

MODAL_VALUES: dict[str, Any] = {
    "triage_assess": {"risk": "high", "impact": "high", "ongoing": "yes", "unsafe": "no",
                      "category": "Harassment or intimidation", "reporter_role": "affected"},
    "triage_decide": {"outcome": "public_reprimand", "message": "{secret} decision message",
                      "announcement": "A member broke our policy. We have taken action.",
                      "announce_channel": "CGENERAL"},
    "triage_note": {"text": "{secret} note"},
    "triage_ask": {"text": "{secret} question"},
    "triage_recuse": {},
    "triage_reassign": {"assignee": "{someone}"},
}
DIRECT = ["triage_acknowledge", "triage_assign_me", "triage_close", "triage_reopen", "triage_history",
          "triage_view"]
ACTIONS = DIRECT + list(MODAL_VALUES) + ["reply", "add_information", "approve"]
# These listeners finish their transaction before acking; a refusal's ephemeral may follow later.
SETTLED_ON_RESPONSE = {action for action, button in BUTTONS.items() if isinstance(button, Act)}


@st.composite
def situations(draw: st.DrawFn) -> dict:
    members = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
    escalation = draw(st.sampled_from(POOL))
    channel_members = set(draw(st.lists(st.sampled_from(POOL + [GUEST]), max_size=6, unique=True)))
    implicated = draw(st.lists(st.sampled_from(POOL + [GUEST]), max_size=3, unique=True))
    excluded = draw(st.lists(st.sampled_from(POOL), max_size=3, unique=True))
    anonymity = draw(st.sampled_from(["named", "confidential", "anonymous"]))
    details_on_demand = draw(st.booleans())
    steps = draw(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(POOL + [GUEST])),
                          min_size=1, max_size=9))
    # Most runs acknowledge first, so later actions are legal more often.
    if draw(st.booleans()):
        steps = [("triage_acknowledge", draw(st.sampled_from(members)))] + steps
    return dict(members=members, escalation=escalation, channel_members=channel_members, implicated=implicated,
                excluded=excluded, anonymity=anonymity, details_on_demand=details_on_demand, steps=steps)


async def current(bot: Harness) -> reports_q.ReportRecord:
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, "R-0001")
    assert report is not None
    return report


async def click_and_settle(bot: Harness, user: str, action: str, value: str, channel: str | None,
                           ts: str | None) -> dict[str, Any] | None:
    """Click; return the modal that opened for it, if any, once the bot has answered the click."""
    fake = bot.fake
    before = (len(fake.calls_to("views.open")), len(fake.calls_to("chat.postEphemeral")),
              len(fake.calls_to("chat.postMessage")))
    resp = await bot.click(user, action, value, channel=channel, message_ts=ts)
    assert resp.status == 200
    if action in SETTLED_ON_RESPONSE:
        return None
    try:
        await bot.until(lambda: (len(fake.calls_to("views.open")), len(fake.calls_to("chat.postEphemeral")),
                                 len(fake.calls_to("chat.postMessage"))) != before, timeout=3)
    except AssertionError:
        return None  # a click answered by the outbox alone (acknowledge, close, …)
    opened = fake.calls_to("views.open")[before[0]:]
    if opened and opened[-1].response.get("ok"):
        return opened[-1].response["view"]
    return None


def secrets_in(text: str) -> bool:
    return SECRET in text


async def run(s: dict, tmp: str) -> None:
    recused_from: dict[str, int] = {}
    async with slack_world(tmp, users=POOL + [GUEST, REPORTER], committee_channel=set(s["channel_members"]) | {BOT},
                           general=set(POOL) | {GUEST, REPORTER, BOT}, members=s["members"],
                           escalation=s["escalation"], triage={"details_on_demand": s["details_on_demand"]}) as bot:
        fake = bot.fake
        await bot.slash(REPORTER, "CGENERAL")
        resp = await bot.submit_view(REPORTER, {"description": f"what happened {SECRET}-0",
                                                "implicated": s["implicated"], "exclude": s["excluded"],
                                                "anonymity": s["anonymity"]})
        assert resp.json()["response_action"] == "update"
        await bot.drain()

        for i, (action, actor) in enumerate(s["steps"], start=1):
            report = await current(bot)
            if report.space_channel is None or report.message_ts is None:
                break  # held: nobody may read it, so there is nothing to click
            secret = f"{SECRET}-{i}"
            if action == "add_information":
                await bot.click(REPORTER, "add_information", report.ref)
                await bot.until(lambda: fake.open_view_for(REPORTER) is not None)
                await bot.submit_view(REPORTER, {"information": f"{secret} addendum"})
            elif action == "reply":
                dms = [m for m in fake.dms_to(REPORTER) for b in m.get("blocks", []) if b.get("type") == "actions"
                       for e in b["elements"] if e["action_id"] == "triage_reply"]
                if not dms:
                    continue
                value = next(e["value"] for b in dms[-1]["blocks"] if b.get("type") == "actions"
                             for e in b["elements"])
                view = await click_and_settle(bot, REPORTER, "triage_reply", value, f"D{REPORTER}", None)
                if view is not None:
                    await bot.submit_view(REPORTER, {"text": f"{secret} answer"}, view)
            elif action == "approve":
                posts = [(ch.id, m) for ch in fake.channels.values() for m in ch.messages
                         for b in m.get("blocks", []) if b.get("type") == "actions"
                         for e in b["elements"] if e["action_id"] == "triage_review_announcement"]
                if not posts:
                    continue
                channel, msg = posts[-1]
                value = next(e["value"] for b in msg["blocks"] if b.get("type") == "actions" for e in b["elements"])
                view = await click_and_settle(bot, actor, "triage_review_announcement", value, channel, msg["ts"])
                if view is not None:
                    await bot.submit_view(actor, {}, view)
            else:
                channel = report.space_channel if report.space_kind != "escalation" else f"D{report.space_channel}"
                view = await click_and_settle(bot, actor, action, report.ref, channel, report.message_ts)
                if view is not None and action in MODAL_VALUES:
                    values = {k: (v.format(secret=secret, someone=s["members"][0]) if isinstance(v, str) else v)
                              for k, v in MODAL_VALUES[action].items()}
                    await bot.submit_view(actor, values, view)
            await bot.drain()
            report = await current(bot)
            for uid in report.recused:
                recused_from.setdefault(uid, len(fake.seen))

        report = await current(bot)
        blocked = set(s["implicated"]) | set(s["excluded"])
        allowed = set(s["members"]) | {s["escalation"], REPORTER}
        for index, seen in enumerate(fake.seen):
            if not secrets_in(seen.text):
                continue
            assert seen.user not in blocked, f"{seen.user} (blocked) saw content\n{fake.transcript()}"
            assert seen.user in allowed, f"{seen.user} (not on the committee) saw content\n{fake.transcript()}"
            since = recused_from.get(seen.user)
            assert since is None or index < since, f"{seen.user} saw content after recusing\n{fake.transcript()}"
        if s["anonymity"] == "anonymous":
            assert not any(REPORTER in seen.text for seen in fake.seen if seen.user != REPORTER), fake.transcript()
        # Whatever was clicked, the stored state is one the state machine allows.
        assert report.state in ("new", "acknowledged", "in_progress", "decided", "closed")
        assert not fake.violations, fake.violations


@PROPERTY
@given(situations())
def test_no_triage_action_ever_shows_a_report_to_someone_blocked_or_recused(s: dict) -> None:
    each_example(run, s)
