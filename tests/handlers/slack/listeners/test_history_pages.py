"""The History view shows a case's whole trail in pages, newest first: Older/Newer update the same modal,
each page within Block Kit's limits, and every page opened is recorded and checked like the first."""

from __future__ import annotations

import json
import re
from typing import Any

from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.handlers.slack.triage_views import HISTORY_PAGE
from cocbot.storage import audit as audit_q
from tests.handlers.slack.block_kit_limits import problems
from tests.handlers.slack.triage_support import audit, file_report, press, stored
from tests.harness import Harness

STEPS = 130  # more than three pages


async def _long_trail(bot: Harness) -> str:
    ref, _, _ = await file_report(bot, description="A long case")
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as session:
        for i in range(STEPS):
            await audit_q.append(session, report_id=report.id, action="note", now=bot.clock.now(), actor="UALICE",
                                 detail={"summary": f"step {i:03d}"})
    return ref


def _buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {el["action_id"]: el for block in view["blocks"] if block["type"] == "actions"
            for el in block["elements"]}


def _steps(view: dict[str, Any]) -> list[int]:
    return [int(n) for n in re.findall(r"step (\d{3})", flatten(view))]


async def _click_in_view(bot: Harness, user: str, view: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Click a button inside an open modal, as Slack sends it; returns the modal as updated."""
    value = _buttons(view)[action_id]["value"]
    updates = len(bot.fake.calls_to("views.update"))
    payload = {
        "type": "block_actions", "team": {"id": "T0FAKE", "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"}, "api_app_id": "AFAKE",
        "token": "legacy", "trigger_id": bot.fake.issue_trigger(user), "container": {"type": "view",
                                                                                     "view_id": view["id"]},
        "view": view, "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                                   "action_ts": "1700000002.2"}],
    }
    resp = await bot.post_payload(payload)
    assert resp.status == 200
    await bot.until(lambda: len(bot.fake.calls_to("views.update")) > updates)
    call = bot.fake.calls_to("views.update")[-1]
    assert call.params["view_id"] == view["id"] and call.params["hash"] == view["hash"]
    return bot.fake.views[view["id"]]


async def test_older_and_newer_walk_the_whole_trail_newest_first_each_page_recorded(bot: Harness) -> None:
    ref = await _long_trail(bot)
    await press(bot, "UALICE", "triage_history", ref, expect_view=True)
    view = bot.fake.views[bot.fake.calls_to("views.open")[-1].response["view"]["id"]]
    assert "Newer" not in flatten(view) and "triage_history_older" in _buttons(view)
    seen: list[int] = []
    pages = 1
    while True:
        sent = bot.fake.calls_to("views.update" if pages > 1 else "views.open")[-1].params["view"]
        assert problems(sent, "modal") == []  # as sent: the fake adds the view's id and hash
        shown = _steps(view)
        assert shown == sorted(shown, reverse=True)  # newest first
        seen += shown
        if "triage_history_older" not in _buttons(view):
            break
        view = await _click_in_view(bot, "UALICE", view, "triage_history_older")
        pages += 1
    assert seen == list(range(STEPS - 1, -1, -1))  # every entry, once, in order
    assert pages == -(-(STEPS + 3) // HISTORY_PAGE)  # filed + the entries + the first page's own "history"
    assert "the report was filed" in flatten(view) and "Entries" in flatten(view)
    # Back again: Newer shows the entries just newer than the page's newest, still newest first.
    oldest_page = _steps(view)
    view = await _click_in_view(bot, "UALICE", view, "triage_history_newer")
    newer = _steps(view)
    assert newer == sorted(newer, reverse=True) and min(newer) == max(oldest_page) + 1
    assert [e.action for e in await audit(bot, ref)].count("history") == pages + 1


async def test_a_page_opened_by_someone_outside_the_committee_is_refused_without_content(bot: Harness) -> None:
    ref = await _long_trail(bot)
    await press(bot, "UALICE", "triage_history", ref, expect_view=True)
    view = bot.fake.views[bot.fake.calls_to("views.open")[-1].response["view"]["id"]]
    before = len(await audit(bot, ref))
    # A button's value as someone else would forge it: the service checks the clicker again.
    refused = await _click_in_view(bot, "UOTHER", view, "triage_history_older")
    assert "step" not in flatten(refused) and "UALICE" not in flatten(refused)
    assert len(await audit(bot, ref)) == before


async def test_a_tampered_page_button_is_ignored(bot: Harness) -> None:
    ref = await _long_trail(bot)
    await press(bot, "UALICE", "triage_history", ref, expect_view=True)
    view = bot.fake.views[bot.fake.calls_to("views.open")[-1].response["view"]["id"]]
    button = _buttons(view)["triage_history_older"]
    button["value"] = json.dumps({"ref": ref, "before": "1 OR 1=1"})
    before = len(await audit(bot, ref))
    updates = len(bot.fake.calls_to("views.update"))
    payload = {"type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": "UALICE", "team_id": "T0FAKE"},
               "api_app_id": "AFAKE", "token": "legacy", "trigger_id": bot.fake.issue_trigger("UALICE"),
               "container": {"type": "view", "view_id": view["id"]}, "view": view,
               "actions": [{"type": "button", "action_id": "triage_history_older", "block_id": "b",
                            "value": button["value"], "action_ts": "1.2"}]}
    assert (await bot.post_payload(payload)).status == 200
    await bot.drain()
    assert len(bot.fake.calls_to("views.update")) == updates
    assert len(await audit(bot, ref)) == before


async def test_a_page_of_a_view_left_open_over_a_recusal_is_refused(bot: Harness) -> None:
    ref = await _long_trail(bot)
    await press(bot, "UBOB", "triage_history", ref, expect_view=True)
    view = bot.fake.views[bot.fake.calls_to("views.open")[-1].response["view"]["id"]]
    report = await stored(bot, ref)
    assert (await bot.runtime.services.triage.recuse(ref, "UBOB", report.space_channel)).ok
    await bot.drain()
    before = len(await audit(bot, ref))
    refused = await _click_in_view(bot, "UBOB", view, "triage_history_older")
    assert "step" not in flatten(refused) and "Entries" not in flatten(refused)
    # A value pointing the page at the case's newest entries again is refused just the same.
    button = _buttons(view)["triage_history_older"]
    button["value"] = json.dumps({"ref": ref, "after": 0})
    refused = await _click_in_view(bot, "UBOB", view, "triage_history_older")
    assert "step" not in flatten(refused)
    assert len(await audit(bot, ref)) == before
