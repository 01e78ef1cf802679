"""Modals. Block ids `description`, `implicated`, `exclude` and `anonymity` are a public contract."""

from __future__ import annotations

from typing import Any

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, what_happens_next
from cocbot.bot.holds.texts import held_received
from cocbot.bot.i18n import english
from cocbot.handlers.slack.hold_views import add_hold_option
from cocbot.handlers.slack.blocks import (
    USER_ID, clip, context, escape, input_block, modal, plain_text, radio, section, text_input,
)

REPORT_CALLBACK = "report_modal"
ADD_INFO_CALLBACK = "add_information_modal"
SNAPSHOT_PREVIEW = 1500

# The inputs that are the same in every report modal, built once: /report must open its modal well inside
# Slack's 3-second window. Shared by every view built here and never changed.
_WHEN = input_block("when", "When did it happen?", text_input(
    multiline=False, max_length=500, placeholder="e.g. during Tuesday's community call"), optional=True)
_WHERE_TEXT = input_block("where_text", "Somewhere else?", text_input(
    multiline=False, max_length=500, placeholder="e.g. a workshop, a DM, another platform"), optional=True)
_THE_REST = (
    input_block("implicated_other", "Anyone involved who is not on Slack?", text_input(
        multiline=False, max_length=1000, placeholder="Names, nicknames or pseudonyms"), optional=True),
    input_block("witnesses", "Did anyone else see it?",
                {"type": "multi_users_select", "placeholder": plain_text("Choose people")}, optional=True,
                hint="Witnesses are not contacted or told details without care."),
    input_block("ongoing", "Is it still going on?", radio([("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]),
                optional=True),
    input_block("danger", "Is anyone in immediate danger?", radio([("no", "No"), ("yes", "Yes")]),
                optional=True, hint="If so, please contact local emergency services first."),
    input_block("anonymity", "How should we handle your identity?",
                radio(list(ANONYMITY_LABELS.items()), "confidential")),
    input_block("exclude", "Committee members who must not see this",
                {"type": "multi_users_select", "placeholder": plain_text("Choose committee members")},
                optional=True, hint="For example someone with a conflict of interest. They will not be told."),
)


def report_modal(config: CommunityConfig, *, channel_id: str | None, source: str,
                 flagged_author: str | None = None, flagged_text: str | None = None,
                 flagged_ts: str | None = None) -> dict[str, Any]:
    metadata = {"src": source, "ch": channel_id}
    if flagged_ts:
        metadata["ts"] = flagged_ts
    blocks: list[dict[str, Any]] = [
        section(f"This goes privately to the Code of Conduct committee of {escape(config.community.name)} — never "
                "to the people you name here or anyone you exclude. Only *What happened* is required."),
    ]
    if flagged_text is not None:
        # Counted once escaped (`&` becomes `&amp;`), and cut between escapes: Slack refuses the whole
        # modal over one element of more than 3,000 characters.
        head = "*Message you are reporting* (a copy is kept even if it is edited or deleted):\n"
        preview = flagged_text if len(flagged_text) <= SNAPSHOT_PREVIEW else flagged_text[:SNAPSHOT_PREVIEW] + "…"
        blocks.append(context(head + escape(preview or "(no text)")))
    where_element: dict[str, Any] = {"type": "conversations_select", "placeholder": plain_text("Choose a channel")}
    if channel_id and channel_id[:1] in ("C", "G"):
        where_element["initial_conversation"] = channel_id
    implicated_element: dict[str, Any] = {"type": "multi_users_select", "placeholder": plain_text("Choose people")}
    if flagged_author and USER_ID.match(flagged_author):
        implicated_element["initial_users"] = [flagged_author]
    blocks += [
        input_block("description", "What happened?", text_input(
            max_length=min(3000, config.reporting.max_description_chars),
            placeholder="Your account, in your own words. Include links if there is a public record.")),
        _WHEN,
        input_block("where", "Where did it happen?", where_element, optional=True),
        _WHERE_TEXT,
        input_block("implicated", "Who was involved?", implicated_element, optional=True,
                    hint="They will never see this report."),
        *_THE_REST,
    ]
    add_hold_option(blocks)
    return modal(REPORT_CALLBACK, "Report a concern", blocks, submit="Send report", metadata=metadata)


def confirmation_view(config: CommunityConfig, *, ref: str, danger: bool, anonymity: str,
                      held: bool = False) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if danger:
        blocks.append(section(f"*{escape(EMERGENCY)}*"))
    if held:
        blocks.append(section(escape(held_received(ref, english()))))
        return modal("report_received", "Report received", blocks, close="Done")
    blocks += [
        # Shown at submit, before delivery: it must not say the committee already has it.
        section(f"*Thank you. Your report {clip(escape(ref), 100)} was received* and stored safely; "
                "cocbot is passing it to the committee."),
        section(escape(what_happens_next(config))),
        context("You will get a direct message from cocbot with the reference and an *Add information* button. "
                + ("You reported anonymously: the committee is not shown who you are."
                   if anonymity == "anonymous" else "")),
    ]
    return modal("report_received", "Report received", blocks, close="Done")


def add_information_modal(ref: str) -> dict[str, Any]:
    return modal(ADD_INFO_CALLBACK, "Add information", [
        section(f"This is added to your report {escape(ref)} and passed to the same committee members."),
        input_block("information", "What would you like to add?", text_input()),
    ], submit="Send", metadata={"ref": ref})
