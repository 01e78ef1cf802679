"""Modals. Block ids `description`, `implicated`, `exclude` and `anonymity` are a public contract."""

from __future__ import annotations

from functools import cache
from typing import Any

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, english, translator
from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, what_happens_next
from cocbot.bot.holds.texts import held_received
from cocbot.handlers.slack.hold_views import add_hold_option
from cocbot.handlers.slack.blocks import (
    USER_ID, clip, context, escape, input_block, modal, plain_text, radio, section, text_input,
)

REPORT_CALLBACK = "report_modal"
ADD_INFO_CALLBACK = "add_information_modal"
SNAPSHOT_PREVIEW = 1500


# The inputs that are the same in every report modal, built once per language: /report must open its modal
# well inside Slack's 3-second window. Shared by every view built here and never changed.
def _fixed(tr: Translator) -> tuple[dict[str, Any], dict[str, Any], tuple[dict[str, Any], ...]]:
    return _fixed_for(tr.locale)


@cache
def _fixed_for(locale: str) -> tuple[dict[str, Any], dict[str, Any], tuple[dict[str, Any], ...]]:
    tr = translator(locale)
    when = input_block("when", tr.gettext("When did it happen?"), text_input(
        multiline=False, max_length=500, placeholder=tr.gettext("e.g. during Tuesday's community call")),
        optional=True)
    where_text = input_block("where_text", tr.gettext("Somewhere else?"), text_input(
        multiline=False, max_length=500, placeholder=tr.gettext("e.g. a workshop, a DM, another platform")),
        optional=True)
    yes, no, unsure = tr.gettext("Yes"), tr.gettext("No"), tr.gettext("Not sure")
    the_rest = (
        input_block("implicated_other", tr.gettext("Anyone involved who is not on Slack?"), text_input(
            multiline=False, max_length=1000, placeholder=tr.gettext("Names, nicknames or pseudonyms")),
            optional=True),
        input_block("witnesses", tr.gettext("Did anyone else see it?"),
                    {"type": "multi_users_select", "placeholder": plain_text(tr.gettext("Choose people"))},
                    optional=True, hint=tr.gettext("Witnesses are not contacted or told details without care.")),
        input_block("ongoing", tr.gettext("Is it still going on?"),
                    radio([("yes", yes), ("no", no), ("unsure", unsure)]), optional=True),
        input_block("danger", tr.gettext("Is anyone in immediate danger?"), radio([("no", no), ("yes", yes)]),
                    optional=True, hint=tr.gettext("If so, please contact local emergency services first.")),
        input_block("anonymity", tr.gettext("How should we handle your identity?"),
                    radio([(key, tr.gettext(label)) for key, label in ANONYMITY_LABELS.items()], "confidential")),
        input_block("exclude", tr.gettext("Committee members who must not see this"),
                    {"type": "multi_users_select", "placeholder": plain_text(tr.gettext("Choose committee members"))},
                    optional=True, hint=tr.gettext("For example someone with a conflict of interest. They will not "
                                                   "be told.")),
    )
    return when, where_text, the_rest


def report_modal(config: CommunityConfig, *, channel_id: str | None, source: str,
                 flagged_author: str | None = None, flagged_text: str | None = None,
                 flagged_ts: str | None = None, description: str | None = None,
                 talk: int | None = None, tr: Translator = english()) -> dict[str, Any]:
    metadata: dict[str, Any] = {"src": source, "ch": channel_id}
    if talk is not None:  # opened from a talk-first conversation, which is kept with the report once sent
        metadata["talk"] = talk
    if flagged_ts:
        metadata["ts"] = flagged_ts
    # Remembered in the modal: the answer to its submission is in the same language.
    if tr.locale != "en":
        metadata["lang"] = tr.locale
    blocks: list[dict[str, Any]] = [
        section(tr.gettext("This goes privately to the Code of Conduct committee of %(community)s — never to the "
                           "people you name here or anyone you exclude. Only *What happened* is required.")
                % {"community": escape(config.community.name)}),
    ]
    blocks += safety_resource_blocks(config, channel_id, tr=tr)
    if flagged_text is not None:
        # Counted once escaped (`&` becomes `&amp;`), and cut between escapes: Slack refuses the whole
        # modal over one element of more than 3,000 characters.
        head = tr.gettext("*Message you are reporting* (a copy is kept even if it is edited or deleted):") + "\n"
        preview = flagged_text if len(flagged_text) <= SNAPSHOT_PREVIEW else flagged_text[:SNAPSHOT_PREVIEW] + "…"
        blocks.append(context(head + escape(preview or tr.gettext("(no text)"))))
    where_element: dict[str, Any] = {"type": "conversations_select",
                                     "placeholder": plain_text(tr.gettext("Choose a channel"))}
    if channel_id and channel_id[:1] in ("C", "G"):
        where_element["initial_conversation"] = channel_id
    implicated_element: dict[str, Any] = {"type": "multi_users_select",
                                          "placeholder": plain_text(tr.gettext("Choose people"))}
    if flagged_author and USER_ID.match(flagged_author):
        implicated_element["initial_users"] = [flagged_author]
    when, where_text, the_rest = _fixed(tr)
    blocks += [
        input_block("description", tr.gettext("What happened?"), text_input(
            max_length=min(3000, config.reporting.max_description_chars),
            placeholder=tr.gettext("Your account, in your own words. Include links if there is a public record."),
            initial=description)),
        when,
        input_block("where", tr.gettext("Where did it happen?"), where_element, optional=True),
        where_text,
        input_block("implicated", tr.gettext("Who was involved?"), implicated_element, optional=True,
                    hint=tr.gettext("They will never see this report.")),
        *the_rest,
    ]
    blocks += readers_blocks(tr)
    blocks += behalf_blocks(tr)
    blocks += content_warning_blocks(tr)
    add_hold_option(blocks, tr)
    if talk is None and flagged_text is None:
        from cocbot.handlers.slack.talk_views import entry

        blocks += entry(tr)
    return modal(REPORT_CALLBACK, tr.gettext("Report a concern"), blocks, submit=tr.gettext("Send report"),
                 metadata=metadata, close=tr.gettext("Cancel"))


def confirmation_view(config: CommunityConfig, *, ref: str, danger: bool, anonymity: str,
                      tr: Translator = english(), channel: str | None = None,
                      for_someone: bool = False, held: bool = False) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if danger:
        blocks.append(section(f"*{escape(tr.gettext(EMERGENCY))}*"))
        blocks += safety_resource_blocks(config, channel, paged=True, tr=tr)
    if held:
        blocks.append(section(escape(held_received(ref, tr))))
        return modal("report_received", tr.gettext("Report received"), blocks, close=tr.gettext("Done"))
    blocks += [
        # Shown at submit, before delivery: it must not say the committee already has it.
        section(tr.gettext("*Thank you. Your report %(ref)s was received* and stored safely; cocbot is passing it "
                           "to the committee.") % {"ref": clip(escape(ref), 100)}),
        section(escape(what_happens_next(config, tr))),
        behalf_context(for_someone, tr) or
        context(tr.gettext("You will get a direct message from cocbot with the reference and an *Add information* "
                           "button. You reported anonymously: the committee is not shown who you are.")
                if anonymity == "anonymous" else
                tr.gettext("You will get a direct message from cocbot with the reference and an *Add information* "
                           "button.")),
    ]
    return modal("report_received", tr.gettext("Report received"), blocks, close=tr.gettext("Done"))


def add_information_modal(ref: str, tr: Translator = english()) -> dict[str, Any]:
    return modal(ADD_INFO_CALLBACK, tr.gettext("Add information"), [
        section(tr.gettext("This is added to your report %(ref)s and passed to the same committee members.")
                % {"ref": escape(ref)}),
        input_block("information", tr.gettext("What would you like to add?"), text_input()),
    ], submit=tr.gettext("Send"), metadata={"ref": ref}, close=tr.gettext("Cancel"))


def safety_resource_blocks(config: CommunityConfig, channel: str | None, *,
                           paged: bool = False, tr: Translator | None = None) -> list[dict[str, Any]]:
    """The community's emergency contacts for where the reporter is (none configured: nothing)."""
    from cocbot.bot.safety import texts as safety_texts

    tr = tr or english()
    resources = config.safety.resources_for(channel=channel)
    blocks: list[dict[str, Any]] = []
    if resources:
        lines = "\n".join(f"• *{escape(r.name)}*: {escape(r.reach)}" for r in resources)
        blocks.append(section(f"*{escape(safety_texts.resources_heading(tr))}*\n{lines}"))
    if paged:
        blocks.append(context(escape(safety_texts.reporter_paged(tr))))
    return blocks


def readers_blocks(tr: Translator | None = None) -> list[dict[str, Any]]:
    """Who on the committee should see it: everyone (left empty) or only the members picked."""
    tr = tr or english()
    return [input_block("readers", tr.gettext("Only these committee members should see it"),
                        {"type": "multi_users_select", "placeholder": plain_text(tr.gettext("The whole committee"))},
                        optional=True,
                        hint=tr.gettext("Leave empty for the whole committee. If you choose some, only they see it; "
                                        "if none of them can, you are asked before anyone else is."))]


def behalf_blocks(tr: Translator | None = None) -> list[dict[str, Any]]:
    """For facilitators and committee members writing down what someone told them in person or on a call."""
    tr = tr or english()
    return [
        input_block("on_behalf", tr.gettext("Filing this for someone else? (facilitators and committee)"),
                    {"type": "users_select", "placeholder": plain_text(tr.gettext("The person who told you"))},
                    optional=True,
                    hint=tr.gettext("They are asked to review and confirm it, and become its reporter.")),
        input_block("on_behalf_other", tr.gettext("Or, if they are not here: their name and how to reach them"),
                    text_input(multiline=False, max_length=500), optional=True),
    ]


def behalf_context(for_someone: bool, tr: Translator | None = None) -> dict[str, Any] | None:
    """What someone who filed for another person is told instead of a reporter's next steps."""
    if not for_someone:
        return None
    return context(escape((tr or english()).gettext(
        "You filed this for someone else: they are asked to review and confirm it, and become its reporter. "
        "You will get a receipt; as with a witness, you are told more only if the committee needs you.")))


def content_warning_blocks(tr: Translator | None = None) -> list[dict[str, Any]]:
    """A content warning for the committee: the details then stay behind "View report"."""
    tr = tr or english()
    return [input_block("content_warning", tr.gettext("Content warning for the committee (optional)"),
                        text_input(multiline=False, max_length=300,
                                   placeholder=tr.gettext("e.g. sexual violence, self-harm")),
                        optional=True,
                        hint=tr.gettext("The committee then sees this warning first and opens the details "
                                        "when ready."))]
