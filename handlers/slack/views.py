"""Modals. Block ids `description`, `implicated`, `exclude` and `anonymity` are a public contract."""

from __future__ import annotations

import json
import re
from typing import Any

from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, what_happens_next
from cocbot.bot.config.community import CommunityConfig
from cocbot.handlers.slack.render import SECTION_LIMIT, clip, escape, plain, text_sections

REPORT_CALLBACK = "report_modal"
ADD_INFO_CALLBACK = "add_information_modal"
SNAPSHOT_PREVIEW = 1500


def _pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = True,
           hint: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": _pt(label), "optional": optional,
                             "element": {**element, "action_id": block_id}}
    if hint:
        block["hint"] = _pt(hint)
    return block


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": _pt(text), "value": value}


def report_modal(config: CommunityConfig, *, channel_id: str | None, source: str,
                 flagged_author: str | None = None, flagged_text: str | None = None,
                 flagged_ts: str | None = None) -> dict[str, Any]:
    metadata = {"src": source, "ch": channel_id}
    if flagged_ts:
        metadata["ts"] = flagged_ts
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(
            f"This goes privately to the Code of Conduct committee of {escape(config.community.name)} — never to "
            "the people you name here or anyone you exclude. Only *What happened* is required.", SECTION_LIMIT)}},
    ]
    if flagged_text is not None:
        # Counted once escaped (`&` becomes `&amp;`), and cut between escapes: Slack refuses the whole
        # modal over one element of more than 3,000 characters.
        head = "*Message you are reporting* (a copy is kept even if it is edited or deleted):\n"
        preview = flagged_text if len(flagged_text) <= SNAPSHOT_PREVIEW else flagged_text[:SNAPSHOT_PREVIEW] + "…"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(
            head + escape(preview or "(no text)"), SECTION_LIMIT)}]})
    where_element: dict[str, Any] = {"type": "conversations_select", "placeholder": _pt("Choose a channel")}
    if channel_id and channel_id[:1] in ("C", "G"):
        where_element["initial_conversation"] = channel_id
    implicated_element: dict[str, Any] = {"type": "multi_users_select", "placeholder": _pt("Choose people")}
    if flagged_author and re.match(r"^[UW][A-Z0-9]+$", flagged_author):
        implicated_element["initial_users"] = [flagged_author]
    blocks += [
        _input("description", "What happened?", {
            "type": "plain_text_input", "multiline": True,
            "max_length": min(3000, config.reporting.max_description_chars),
            "placeholder": _pt("Your account, in your own words. Include links if there is a public record."),
        }, optional=False),
        _input("when", "When did it happen?", {"type": "plain_text_input", "max_length": 500,
                                               "placeholder": _pt("e.g. during Tuesday's community call")}),
        _input("where", "Where did it happen?", where_element),
        _input("where_text", "Somewhere else?", {"type": "plain_text_input", "max_length": 500,
                                                 "placeholder": _pt("e.g. a workshop, a DM, another platform")}),
        _input("implicated", "Who was involved?", implicated_element,
               hint="They will never see this report."),
        _input("implicated_other", "Anyone involved who is not on Slack?", {
            "type": "plain_text_input", "max_length": 1000,
            "placeholder": _pt("Names, nicknames or pseudonyms")}),
        _input("witnesses", "Did anyone else see it?", {"type": "multi_users_select",
                                                        "placeholder": _pt("Choose people")},
               hint="Witnesses are not contacted or told details without care."),
        _input("ongoing", "Is it still going on?", {
            "type": "radio_buttons",
            "options": [_option("yes", "Yes"), _option("no", "No"), _option("unsure", "Not sure")],
        }),
        _input("danger", "Is anyone in immediate danger?", {
            "type": "radio_buttons",
            "options": [_option("no", "No"), _option("yes", "Yes")],
        }, hint="If so, please contact local emergency services first."),
        _input("anonymity", "How should we handle your identity?", {
            "type": "radio_buttons",
            "options": [_option(k, v) for k, v in ANONYMITY_LABELS.items()],
            "initial_option": _option("confidential", ANONYMITY_LABELS["confidential"]),
        }, optional=False),
        _input("exclude", "Committee members who must not see this", {
            "type": "multi_users_select", "placeholder": _pt("Choose committee members")},
            hint="For example someone with a conflict of interest. They will not be told."),
    ]
    return {
        "type": "modal",
        "callback_id": REPORT_CALLBACK,
        "title": _pt("Report a concern"),
        "submit": _pt("Send report"),
        "close": _pt("Cancel"),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }


def confirmation_view(config: CommunityConfig, *, ref: str, danger: bool, anonymity: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if danger:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(EMERGENCY)}*"}})
    blocks += [
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            f"*Thank you. Your report {clip(escape(ref), 100)} was received* and passed to the committee.")}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(escape(what_happens_next(config)), SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "You will get a direct message from cocbot with the reference and an *Add information* button. "
            + ("You reported anonymously: the committee is not shown who you are."
               if anonymity == "anonymous" else ""))}]},
    ]
    return {"type": "modal", "callback_id": "report_received", "title": _pt("Report received"),
            "close": _pt("Done"), "blocks": blocks}


def add_information_modal(ref: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ADD_INFO_CALLBACK,
        "title": _pt("Add information"),
        "submit": _pt("Send"),
        "close": _pt("Cancel"),
        "private_metadata": json.dumps({"ref": ref}),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"This is added to your report {escape(ref)} and passed to the same committee members.")}},
            _input("information", "What would you like to add?", {"type": "plain_text_input", "multiline": True,
                                                                   "max_length": 3000}, optional=False),
        ],
    }


def info_view(title: str, text: str) -> dict[str, Any]:
    return {"type": "modal", "title": _pt(plain(title, 24)), "close": _pt("Close"),
            "blocks": text_sections("", text)[:100]}
