"""Talk first on Slack: the modals of `/talk` and of its buttons, and the entries from App Home and the
report form. Block ids `text`, `whom`, `pick`, `exclude`, `anonymity`, `colleague` are read by translate."""

from __future__ import annotations

from typing import Any

from cocbot.bot.i18n import Translator
from cocbot.bot.talk import texts
from cocbot.handlers.slack.blocks import (
    context, escape, input_block, modal, plain_text, radio, section, text_input,
)

OPEN_CALLBACK = "talk_modal"
REPLY_CALLBACK = "talk_reply_modal"
HANDOVER_CALLBACK = "talk_handover_modal"
SOMEONE_ELSE_CALLBACK = "talk_someone_else_modal"


def talk_modal(tr: Translator, channel_id: str | None) -> dict[str, Any]:
    return modal(OPEN_CALLBACK, tr.gettext("Talk to someone first"), [
        section(escape(tr.gettext(
            "Not sure whether to report? Talk privately with a facilitator first. This is not a report: nothing "
            "reaches the committee, not even that you asked, unless you later choose to make it one."))),
        input_block("whom", tr.gettext("Who would you like to talk to?"), radio([
            ("on_duty", tr.gettext("The facilitator on duty here")),
            ("pick", tr.gettext("Someone I choose below")),
            ("bypass", tr.gettext("It is about the facilitator on duty: someone else, whom I choose below")),
        ], "on_duty")),
        input_block("pick", tr.gettext("Someone you choose"), {
            "type": "users_select", "placeholder": plain_text(tr.gettext("A facilitator or committee member"))},
            optional=True),
        input_block("exclude", tr.gettext("People who must not be part of this"), {
            "type": "multi_users_select", "placeholder": plain_text(tr.gettext("Choose people"))}, optional=True,
            hint=tr.gettext("Nobody you choose here will ever take part or be told.")),
        input_block("anonymity", tr.gettext("Should they see who you are?"), radio([
            ("named", tr.gettext("Yes, they may see my name")),
            ("anonymous", tr.gettext("No, keep me anonymous (cocbot relays our messages)")),
        ], "named")),
        input_block("text", tr.gettext("What would you like to talk about?"), text_input(max_length=3000)),
    ], submit=tr.gettext("Start"), metadata={"ch": channel_id}, close=tr.gettext("Cancel"))


def reply_modal(tr: Translator, conversation_id: int) -> dict[str, Any]:
    return modal(REPLY_CALLBACK, tr.gettext("Reply"), [
        context(escape(tr.gettext("cocbot passes this on privately."))),
        input_block("text", tr.gettext("Your message"), text_input(max_length=3000)),
    ], submit=tr.gettext("Send"), metadata={"talk": conversation_id}, close=tr.gettext("Cancel"))


def handover_modal(tr: Translator, conversation_id: int) -> dict[str, Any]:
    return modal(HANDOVER_CALLBACK, tr.gettext("Hand over"), [
        section(escape(tr.gettext("The member is asked to agree first. Until they do, nothing changes and the "
                                  "colleague sees nothing."))),
        input_block("colleague", tr.gettext("Colleague"), {
            "type": "users_select", "placeholder": plain_text(tr.gettext("A facilitator or committee member"))}),
    ], submit=tr.gettext("Ask the member"), metadata={"talk": conversation_id},
       close=tr.gettext("Cancel"))


def someone_else_modal(tr: Translator, conversation_id: int) -> dict[str, Any]:
    return modal(SOMEONE_ELSE_CALLBACK, tr.gettext("Talk to someone else"), [
        section(escape(tr.gettext("They will see what you have written so far and answer from now on."))),
        input_block("pick", tr.gettext("Someone you choose"), {
            "type": "users_select", "placeholder": plain_text(tr.gettext("A facilitator or committee member"))}),
    ], submit=tr.gettext("Continue with them"), metadata={"talk": conversation_id},
       close=tr.gettext("Cancel"))


def entry(tr: Translator) -> list[dict[str, Any]]:
    """The "Talk to someone first" entry (App Home, the report form)."""
    return [{"type": "actions", "block_id": "talk_entry", "elements": [{
        "type": "button", "action_id": texts.OPEN, "value": "open",
        "text": plain_text(tr.gettext("Talk to someone first"))}]}]
