"""Report intake end to end: /report and the shortcut, through HTTP, against the fake Slack."""

from __future__ import annotations

import logging

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.storage import reports as reports_q
from tests.harness import COMMITTEE_CHANNEL, ESCALATION, GENERAL, Harness

COMMITTEE = {"UALICE", "UBOB", "UCAROL"}


async def stored(bot: Harness, ref: str) -> reports_q.ReportRecord:
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None
    return report


def private_spaces(bot: Harness) -> list[str]:
    return [c["response"]["channel"]["id"] for c in (
        {"response": call.response} for call in bot.fake.calls_to("conversations.create")) if c["response"].get("ok")]


async def test_report_reaches_committee_channel_and_reporter_gets_dm(bot: Harness) -> None:
    ref = await bot.report(description="He kept interrupting me in the call", implicated=["UMALLORY"])
    await bot.drain()
    posts = bot.fake.messages_in(COMMITTEE_CHANNEL)
    assert len(posts) == 1 and ref in str(posts[0]["blocks"])
    assert "He kept interrupting me" in str(posts[0]["blocks"])
    assert posts[0]["unfurl_links"] is False and posts[0]["unfurl_media"] is False
    dms = bot.fake.dms_to("UREPORTER")
    assert len(dms) == 1 and ref in dms[0]["text"]
    assert "add_information" in str(dms[0]["blocks"])
    assert "24 hours" in str(dms[0]["blocks"])
    assert bot.fake.who_saw("He kept interrupting") == COMMITTEE
    report = await stored(bot, ref)
    assert (report.delivery_state, report.space_kind) == ("delivered", "committee_channel")


async def test_modal_opens_with_the_public_block_ids_and_the_invoking_channel(bot: Harness) -> None:
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert {"description", "implicated", "exclude", "anonymity"} <= block_ids
    where = next(b for b in view["blocks"] if b.get("block_id") == "where")
    assert where["element"]["initial_conversation"] == GENERAL
    anonymity = next(b for b in view["blocks"] if b.get("block_id") == "anonymity")
    assert {o["value"] for o in anonymity["element"]["options"]} == {"named", "confidential", "anonymous"}
    assert anonymity["element"]["initial_option"]["value"] == "confidential"
    # The seeds: never ask the reporter what outcome they want.
    assert "outcome" not in str(view).lower() and "what should happen" not in str(view).lower()


async def test_committee_member_implicated_gets_a_private_space_without_them(bot: Harness) -> None:
    ref = await bot.report(description="Alice was rude to me", implicated=["UALICE"])
    await bot.drain()
    assert bot.fake.messages_in(COMMITTEE_CHANNEL) == []
    [space] = private_spaces(bot)
    assert bot.fake.channels[space].members == {"UBOT", "UBOB", "UCAROL"}
    assert bot.fake.channels[space].name == "coc-" + ref.lower()
    assert bot.fake.who_saw("Alice was rude") == {"UBOB", "UCAROL"}
    assert (await stored(bot, ref)).space_kind == "private_space"


async def test_reporter_can_exclude_a_committee_member(bot: Harness) -> None:
    await bot.report(description="Please keep Bob out of this", exclude=["UBOB"])
    await bot.drain()
    assert bot.fake.who_saw("keep Bob out") == {"UALICE", "UCAROL"}


async def test_everyone_excluded_goes_to_the_escalation_contact(bot: Harness) -> None:
    ref = await bot.report(description="The whole committee is involved", exclude=["UALICE", "UBOB", "UCAROL"])
    await bot.drain()
    assert bot.fake.who_saw("whole committee is involved") == {ESCALATION}
    assert (await stored(bot, ref)).delivery_state == "escalated"


async def test_escalation_contact_implicated_too_keeps_the_report_and_tells_the_reporter(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    ref = await bot.report(description="Nobody can see this", exclude=["UALICE", "UBOB", "UCAROL"],
                           implicated=[ESCALATION])
    await bot.drain()
    assert bot.fake.who_saw("Nobody can see this") == set()
    report = await stored(bot, ref)
    assert report.delivery_state == "held"
    held_dm = [m for m in bot.fake.dms_to("UREPORTER") if "could not be passed on" in m["text"]]
    assert len(held_dm) == 1
    warnings = [r for r in caplog.records if r.name == "cocbot.operator" and r.levelno == logging.WARNING]
    assert any(ref in r.getMessage() for r in warnings)
    assert not any("Nobody can see this" in r.getMessage() or "UREPORTER" in r.getMessage()
                   for r in caplog.records)


async def test_non_committee_member_in_committee_channel_forces_a_private_space(bot: Harness) -> None:
    bot.fake.channels[COMMITTEE_CHANNEL].members.add("UOTHER")
    await bot.report(description="A quiet report")
    await bot.drain()
    assert bot.fake.who_saw("A quiet report") == COMMITTEE


async def test_bot_missing_from_committee_channel_uses_a_private_space(bot: Harness) -> None:
    bot.fake.channels[COMMITTEE_CHANNEL].members.discard("UBOT")
    ref = await bot.report(description="The bot is not in the channel")
    await bot.drain()
    assert bot.fake.who_saw("bot is not in the channel") == COMMITTEE
    assert (await stored(bot, ref)).space_kind == "private_space"


async def test_routing_fetches_the_committee_channel_once_and_that_is_the_gates_live_check(bot: Harness) -> None:
    """Routing and the post follow each other with no platform call between, so the membership routing
    just fetched is what the gate checks for that post (one conversations.members, not two)."""
    await bot.report(description="One look at the channel")
    await bot.drain()
    assert bot.fake.who_saw("One look at the channel") == COMMITTEE
    assert [c.params.get("channel") for c in bot.fake.calls_to("conversations.members")] == [COMMITTEE_CHANNEL]


async def test_implicated_person_joining_before_a_retried_post_moves_the_report(bot: Harness) -> None:
    """A post that failed is retried with live membership fetched again, not what the first attempt saw."""
    bot.fake.fail("chat.postMessage", times=1, status=500, error="internal_error")
    await bot.report(description="Mallory joined late", implicated=["UMALLORY"])
    await bot.drain()
    bot.fake.channels[COMMITTEE_CHANNEL].members.add("UMALLORY")
    for _ in range(3):
        bot.clock.advance(seconds=5)
        await bot.drain()
    assert "UMALLORY" not in bot.fake.who_saw("Mallory joined late")
    assert bot.fake.who_saw("Mallory joined late") == COMMITTEE


async def test_the_committee_channel_route_is_written_with_the_post(bot: Harness) -> None:
    """Routing to the committee channel creates nothing on the platform, so it is stored in the transaction
    that records the post; a failed post leaves the report unrouted and the retry routes it again."""
    original = bot.fake.m_chat_postMessage
    failed: list[str] = []

    def committee_post_fails_once(params: dict) -> dict:
        if params.get("channel") == COMMITTEE_CHANNEL and not failed:
            failed.append(params["channel"])
            return {"ok": False, "error": "internal_error"}
        return original(params)

    bot.fake.m_chat_postMessage = committee_post_fails_once  # type: ignore[method-assign, assignment]
    ref = await bot.report(description="Written with the post")
    await bot.drain()
    report = await stored(bot, ref)
    assert failed and not bot.fake.who_saw("Written with the post")
    assert (report.space_kind, report.space_channel, report.delivery_state) == (None, None, "pending")
    bot.clock.advance(seconds=5)
    await bot.drain()
    report = await stored(bot, ref)
    assert (report.space_kind, report.space_channel, report.space_invited, report.delivery_state) == (
        "committee_channel", COMMITTEE_CHANNEL, True, "delivered")
    assert report.message_ts


async def test_a_private_spaces_invitations_are_written_with_the_post(bot: Harness) -> None:
    """The new space is stored before anyone is invited to it; that its readers were invited is stored with
    the post (one write less per report): a failed post leaves it unwritten, and the retry invites them
    again, which changes nothing, and posts once in the same space."""
    original = bot.fake.m_chat_postMessage
    failed: list[str] = []

    def space_post_fails_once(params: dict) -> dict:
        if str(params.get("channel", "")).startswith(("C", "G")) and not failed:
            failed.append(params["channel"])
            return {"ok": False, "error": "internal_error"}
        return original(params)

    bot.fake.m_chat_postMessage = space_post_fails_once  # type: ignore[method-assign, assignment]
    ref = await bot.report(description="Invited with the post", implicated=["UBOB"])
    await bot.drain()
    report = await stored(bot, ref)
    [space] = failed
    assert (report.space_kind, report.space_channel, report.space_invited) == ("private_space", space, False)
    assert bot.fake.channels[space].members >= {"UALICE", "UCAROL"} and not bot.fake.who_saw("Invited with the post")
    bot.clock.advance(seconds=5)
    await bot.drain()
    report = await stored(bot, ref)
    assert (report.space_channel, report.space_invited, report.delivery_state) == (space, True, "delivered")
    assert len(bot.fake.calls_to("conversations.create")) == 1 and len(bot.fake.calls_to("conversations.invite")) == 2
    assert bot.fake.who_saw("Invited with the post") == {"UALICE", "UCAROL"}


async def test_implicated_person_joining_while_the_flagged_message_link_is_fetched_moves_the_report(
        bot: Harness) -> None:
    """Another platform call between routing and posting: the gate fetches the members again right before
    posting instead of trusting what routing saw."""
    original = bot.fake.m_chat_getPermalink

    def link_then_join(params: dict) -> dict:
        bot.fake.channels[COMMITTEE_CHANNEL].members.add("UMALLORY")
        return original(params)

    bot.fake.m_chat_getPermalink = link_then_join  # type: ignore[method-assign, assignment]
    await bot.message_shortcut("UWITNESS", GENERAL, author="UMALLORY", text="flagged while joining")
    await bot.submit_view("UWITNESS", {"description": "Mallory joined during the link", "implicated": []})
    await bot.drain()
    assert "UMALLORY" not in bot.fake.who_saw("Mallory joined during the link")
    assert bot.fake.who_saw("Mallory joined during the link") >= COMMITTEE
    [link] = bot.fake.calls_to("chat.getPermalink")
    assert any(c.at > link.at for c in bot.fake.calls_to("conversations.members"))  # the gate's own fetch


async def test_user_text_is_escaped_in_the_committee_post(bot: Harness) -> None:
    await bot.report(description="<!channel> @here <@UALICE> <https://evil.example|totally safe>",
                     when="<!everyone> yesterday")
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    rendered = str(post["blocks"]) + post["text"]
    for forbidden in ("<!channel>", "<!everyone>", "<@UALICE>", "<https://evil.example", "@here"):
        assert forbidden not in rendered


async def test_validation_errors_show_inline_and_store_nothing(bot: Harness) -> None:
    await bot.slash("UREPORTER", GENERAL)
    resp = await bot.submit_view("UREPORTER", {"description": "   "})
    body = resp.json()
    assert body["response_action"] == "errors"
    assert "describe what happened" in body["errors"]["description"]
    resp = await bot.submit_view("UREPORTER", {"description": "x" * 5000})
    assert "limit is 4000" in resp.json()["errors"]["description"]
    await bot.drain()
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_double_submit_creates_one_report(bot: Harness) -> None:
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    first = await bot.submit_view("UREPORTER", {"description": "Clicked twice"}, view)
    second = await bot.submit_view("UREPORTER", {"description": "Clicked twice"}, view)
    assert first.json()["view"] == second.json()["view"]
    await bot.drain()
    assert len(bot.fake.messages_in(COMMITTEE_CHANNEL)) == 1
    assert len(bot.fake.dms_to("UREPORTER")) == 1


@pytest.mark.parametrize("anonymity", ["named", "confidential", "anonymous"])
async def test_reporter_identity_follows_the_anonymity_choice(bot: Harness, anonymity: str) -> None:
    ref = await bot.report(description=f"Identity test {anonymity}", anonymity=anonymity)
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    shown = "UREPORTER" in str(post["blocks"])
    assert shown is (anonymity != "anonymous")
    if anonymity == "anonymous":
        assert "Anonymous" in str(post["blocks"])
        committee_saw = [s.text for s in bot.fake.seen if s.user in COMMITTEE]
        assert not any("UREPORTER" in text for text in committee_saw)
    report = await stored(bot, ref)
    assert report.anonymity == anonymity


async def test_danger_tells_the_reporter_to_contact_emergency_services_first(bot: Harness) -> None:
    await bot.slash("UREPORTER", GENERAL)
    resp = await bot.submit_view("UREPORTER", {"description": "Someone is threatening me", "danger": "yes"})
    assert "emergency services first" in str(resp.json()["view"])
    await bot.drain()
    assert "immediate danger" in str(bot.fake.messages_in(COMMITTEE_CHANNEL)[0]["blocks"]).lower()


async def test_message_shortcut_prefills_the_author_and_keeps_a_snapshot(bot: Harness) -> None:
    await bot.message_shortcut("UWITNESS", GENERAL, author="UMALLORY", text="original offensive text")
    view = bot.fake.open_view_for("UWITNESS")
    assert view is not None
    implicated = next(b for b in view["blocks"] if b.get("block_id") == "implicated")
    assert implicated["element"]["initial_users"] == ["UMALLORY"]
    # The original is edited after flagging; the committee still sees what was flagged.
    resp = await bot.submit_view("UWITNESS", {"description": "This message was hurtful", "implicated": []})
    assert resp.json()["response_action"] == "update"
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    blocks = str(post["blocks"])
    assert "original offensive text" in blocks
    assert "fake.slack.com/archives/CGENERAL" in blocks
    # The author stays blocked although the bystander removed them from "involved".
    assert "UMALLORY" not in bot.fake.who_saw("original offensive text")


async def test_shortcut_on_a_committee_members_message_routes_around_them(bot: Harness) -> None:
    await bot.message_shortcut("UWITNESS", GENERAL, author="UBOB", text="bob said something")
    await bot.submit_view("UWITNESS", {"description": "Flagging Bob's message"})
    await bot.drain()
    # The flagging bystander saw the text in their own modal; of the committee only Alice and Carol see it.
    assert bot.fake.who_saw("bob said something") == {"UALICE", "UCAROL", "UWITNESS"}


async def test_add_information_reaches_the_same_space_in_the_thread(bot: Harness) -> None:
    ref = await bot.report(description="First part", implicated=["UALICE"])
    await bot.drain()
    resp = await bot.click("UREPORTER", "add_information", ref, expect_view=True)
    assert resp.status == 200
    await bot.submit_view("UREPORTER", {"information": "Second part, remembered later"})
    await bot.drain()
    assert bot.fake.who_saw("Second part, remembered later") == {"UBOB", "UCAROL"}
    [space] = private_spaces(bot)
    first, addendum = bot.fake.messages_in(space)
    assert addendum["thread_ts"] == first["ts"]


async def test_only_the_reporter_can_add_information(bot: Harness) -> None:
    ref = await bot.report(description="Mine")
    await bot.drain()
    await bot.click("UMALLORY", "add_information", ref, expect_view=True)
    resp = await bot.submit_view("UMALLORY", {"information": "Sneaky addition"})
    assert "Only the person who filed" in resp.json()["errors"]["information"]
    await bot.drain()
    assert bot.fake.who_saw("Sneaky addition") == set()


async def test_report_from_a_direct_message_has_no_channel_preselected(bot: Harness) -> None:
    await bot.slash("UREPORTER", "DUREPORTER")
    view = bot.fake.open_view_for("UREPORTER")
    where = next(b for b in view["blocks"] if b.get("block_id") == "where")  # type: ignore[index]
    assert "initial_conversation" not in where["element"]


async def test_expired_trigger_tells_the_user_instead_of_failing_silently(bot: Harness) -> None:
    bot.fake.trigger_window = -1
    resp = await bot.slash("UREPORTER", GENERAL)
    assert resp.status == 200
    await bot.until(lambda: bot.fake.responses)
    assert bot.fake.calls_to("views.open")[0].response["error"] == "expired_trigger_id"
    [reply] = bot.fake.responses
    assert reply["user"] == "UREPORTER" and "try /report again" in reply["body"]["text"]
    assert reply["body"]["response_type"] == "ephemeral"


async def _flag_draft_saved(bot: Harness, view_id: str) -> None:
    """The shortcut stores its snapshot after opening the modal; wait for that (not a timing assertion)."""
    import asyncio

    for _ in range(500):
        if await bot.runtime.services.intake.flag_snapshot(view_id) is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the flagged message's snapshot was never stored")


async def _flag_drafts(bot: Harness) -> int:
    from sqlalchemy import func, select

    from cocbot.storage.models import FlagDraft

    async with bot.runtime.db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(FlagDraft))).scalar_one()


async def test_a_flagged_message_never_reported_is_deleted_after_a_day(bot: Harness, clock: ManualClock) -> None:
    await bot.message_shortcut("UWITNESS", GENERAL, author="UMALLORY", text="flagged but never reported")
    view = bot.fake.open_view_for("UWITNESS")
    assert view is not None
    await _flag_draft_saved(bot, view["id"])
    intake = bot.runtime.services.intake
    clock.advance(hours=23)
    assert await intake.expire_flag_drafts() == 0
    assert await intake.flag_snapshot(view["id"]) is not None
    clock.advance(hours=1, seconds=1)
    # Expired: no longer used for a submission, whether or not it has been deleted yet…
    assert await intake.flag_snapshot(view["id"]) is None
    # …and deleted by the bot's periodic expiry.
    assert await intake.expire_flag_drafts() == 1
    assert await _flag_drafts(bot) == 0


async def test_a_flagged_message_snapshot_is_deleted_when_its_report_is_stored(bot: Harness) -> None:
    await bot.message_shortcut("UWITNESS", GENERAL, author="UMALLORY", text="reported at once")
    view = bot.fake.open_view_for("UWITNESS")
    assert view is not None
    await _flag_draft_saved(bot, view["id"])
    ref = await bot.submitted_reference(await bot.submit_view("UWITNESS", {"description": "Flagging this"}, view),
                                        view["id"])
    assert await _flag_drafts(bot) == 0
    report = await stored(bot, ref)
    assert (report.flagged_author, report.snapshot) == ("UMALLORY", "reported at once")
