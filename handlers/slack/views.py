"""Modals. Block ids `description`, `implicated`, `exclude` and `anonymity` are a public contract."""

from __future__ import annotations

from typing import Any

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, what_happens_next
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
                 flagged_ts: str | None = None, description: str | None = None,
                 talk: int | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"src": source, "ch": channel_id}
    if talk is not None:  # opened from a talk-first conversation, which is kept with the report once sent
        metadata["talk"] = talk
    if flagged_ts:
        metadata["ts"] = flagged_ts
    blocks: list[dict[str, Any]] = [
        section(f"This goes privately to the Code of Conduct committee of {escape(config.community.name)} — never "
                "to the people you name here or anyone you exclude. Only *What happened* is required."),
    ]
    blocks += safety_resource_blocks(config, channel_id)
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
            placeholder="Your account, in your own words. Include links if there is a public record.",
            initial=description)),
        _WHEN,
        input_block("where", "Where did it happen?", where_element, optional=True),
        _WHERE_TEXT,
        input_block("implicated", "Who was involved?", implicated_element, optional=True,
                    hint="They will never see this report."),
        *_THE_REST,
    ]
    blocks += readers_blocks()
    blocks += behalf_blocks()
    blocks += content_warning_blocks()
    if talk is None and flagged_text is None:
        from cocbot.bot.i18n import english
        from cocbot.handlers.slack.talk_views import entry

        blocks += entry(english())
    return modal(REPORT_CALLBACK, "Report a concern", blocks, submit="Send report", metadata=metadata)


def confirmation_view(config: CommunityConfig, *, ref: str, danger: bool, anonymity: str,
                      channel: str | None = None, for_someone: bool = False) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if danger:
        blocks.append(section(f"*{escape(EMERGENCY)}*"))
        blocks += safety_resource_blocks(config, channel, paged=True)
    blocks += [
        # Shown at submit, before delivery: it must not say the committee already has it.
        section(f"*Thank you. Your report {clip(escape(ref), 100)} was received* and stored safely; "
                "cocbot is passing it to the committee."),
        section(escape(what_happens_next(config))),
        behalf_context(for_someone) or
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


def safety_resource_blocks(config: CommunityConfig, channel: str | None, *,
                           paged: bool = False) -> list[dict[str, Any]]:
    """The community's emergency contacts for where the reporter is (none configured: nothing)."""
    from cocbot.bot.i18n import english
    from cocbot.bot.safety import texts as safety_texts

    tr = english()
    resources = config.safety.resources_for(channel=channel)
    blocks: list[dict[str, Any]] = []
    if resources:
        lines = "\n".join(f"• *{escape(r.name)}*: {escape(r.reach)}" for r in resources)
        blocks.append(section(f"*{escape(safety_texts.resources_heading(tr))}*\n{lines}"))
    if paged:
        blocks.append(context(escape(safety_texts.reporter_paged(tr))))
    return blocks


def readers_blocks() -> list[dict[str, Any]]:
    """Who on the committee should see it: everyone (left empty) or only the members picked."""
    from cocbot.bot.i18n import english

    tr = english()
    return [input_block("readers", tr.gettext("Only these committee members should see it"),
                        {"type": "multi_users_select", "placeholder": plain_text(tr.gettext("The whole committee"))},
                        optional=True,
                        hint=tr.gettext("Leave empty for the whole committee. If you choose some, only they see it; "
                                        "if none of them can, you are asked before anyone else is."))]


def behalf_blocks() -> list[dict[str, Any]]:
    """For facilitators and committee members writing down what someone told them in person or on a call."""
    from cocbot.bot.i18n import english

    tr = english()
    return [
        input_block("on_behalf", tr.gettext("Filing this for someone else? (facilitators and committee)"),
                    {"type": "users_select", "placeholder": plain_text(tr.gettext("The person who told you"))},
                    optional=True,
                    hint=tr.gettext("They are asked to review and confirm it, and become its reporter.")),
        input_block("on_behalf_other", tr.gettext("Or, if they are not here: their name and how to reach them"),
                    text_input(multiline=False, max_length=500), optional=True),
    ]


def behalf_context(for_someone: bool) -> dict[str, Any] | None:
    """What someone who filed for another person is told instead of a reporter's next steps."""
    if not for_someone:
        return None
    from cocbot.bot.i18n import english

    return context(escape(english().gettext(
        "You filed this for someone else: they are asked to review and confirm it, and become its reporter. "
        "You will get a receipt; as with a witness, you are told more only if the committee needs you.")))


def content_warning_blocks() -> list[dict[str, Any]]:
    """A content warning for the committee: the details then stay behind "View report"."""
    from cocbot.bot.i18n import english

    tr = english()
    return [input_block("content_warning", tr.gettext("Content warning for the committee (optional)"),
                        text_input(multiline=False, max_length=300,
                                   placeholder=tr.gettext("e.g. sexual violence, self-harm")),
                        optional=True,
                        hint=tr.gettext("The committee then sees this warning first and opens the details "
                                        "when ready."))]
