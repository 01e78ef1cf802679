"""What talk-first conversations say. Summaries (push notifications) never hold what anyone wrote, and a
member who chose anonymity is never named to the other side."""

from __future__ import annotations

from collections.abc import Sequence

from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Block, Button, Buttons, Facts, Heading, Message, Note, Person, Text, UserText

# Button action ids (the Slack listeners answer to them; the forum shows each as a reply hint).
REPLY = "talk_reply"
SUGGEST = "talk_suggest_report"
HANDOVER = "talk_handover"
END = "talk_end"
MAKE_REPORT = "talk_make_report"
SOMEONE_ELSE = "talk_someone_else"
AGREE = "talk_handover_agree"
DECLINE = "talk_handover_decline"
OPEN = "talk_open"


def _helper_buttons(tr: Translator, cid: int) -> Buttons:
    v = str(cid)
    return Buttons((Button(REPLY, tr.gettext("Reply"), v, "primary"),
                    Button(SUGGEST, tr.gettext("Suggest making it a report"), v),
                    Button(HANDOVER, tr.gettext("Hand over to a colleague"), v),
                    Button(END, tr.gettext("End the conversation"), v)))


def _member_buttons(tr: Translator, cid: int) -> Buttons:
    v = str(cid)
    return Buttons((Button(REPLY, tr.gettext("Reply"), v, "primary"),
                    Button(MAKE_REPORT, tr.gettext("Make this a report"), v),
                    Button(SOMEONE_ELSE, tr.gettext("Talk to someone else"), v),
                    Button(END, tr.gettext("End the conversation"), v)))


def _not_a_report(tr: Translator) -> Note:
    return Note(tr.gettext("This is not a report: nothing reaches the committee unless the member makes it one "
                           "themselves."))


def _from(tr: Translator, member: str, by_name: bool) -> Block:
    # by_name: a forum username with no account on the committee's platform to render it from.
    return Facts(((tr.gettext("From"), member),)) if by_name else Person(tr.gettext("From"), member)


def to_helper_opened(tr: Translator, cid: int, member: str | None, first: str, *, by_name: bool = False) -> Message:
    blocks: list[Block] = [Heading(tr.gettext("Someone would like to talk to you first"))]
    if member is None:
        blocks.append(Text(tr.gettext("They chose to stay anonymous: cocbot relays your answers without either "
                                      "of you seeing the other's account.")))
    else:
        blocks.append(_from(tr, member, by_name))
    blocks += [UserText(tr.gettext("They wrote"), first, quote=True), _helper_buttons(tr, cid), _not_a_report(tr)]
    return Message(summary=tr.gettext("Someone would like to talk to you"), blocks=tuple(blocks))


def to_helper_message(tr: Translator, cid: int, text: str) -> Message:
    return Message(summary=tr.gettext("A new message in a conversation you are having"), blocks=(
        UserText(tr.gettext("They wrote"), text, quote=True), _helper_buttons(tr, cid)))


def to_helper_handed_over(tr: Translator, cid: int, member: str | None,
                          transcript: Sequence[tuple[str, str]], *, by_name: bool = False) -> Message:
    blocks: list[Block] = [
        Heading(tr.gettext("A conversation was handed over to you")),
        Text(tr.gettext("The member agreed that you see what was written so far.")),
    ]
    if member is not None:
        blocks.append(_from(tr, member, by_name))
    labels = {"member": tr.gettext("They wrote"), "helper": tr.gettext("The facilitator wrote")}
    blocks += [UserText(labels.get(role, role), text, quote=True) for role, text in transcript]
    blocks += [_helper_buttons(tr, cid), _not_a_report(tr)]
    return Message(summary=tr.gettext("A conversation was handed over to you"), blocks=tuple(blocks))


def to_member_started(tr: Translator, cid: int, helper: str, anonymous: bool) -> Message:
    how = (tr.gettext("You are anonymous: they are not shown who you are.") if anonymous else
           tr.gettext("They can see who you are."))
    return Message(summary=tr.gettext("Your conversation has started"), blocks=(
        Person(tr.gettext("You are talking to"), helper),
        Text(tr.gettext("cocbot passes your messages on and brings their answers here. %(how)s") % {"how": how}),
        Text(tr.gettext("Nothing is a report until you press Make this a report; until then the committee is "
                        "not told anything.")),
        _member_buttons(tr, cid)))


def to_member_message(tr: Translator, cid: int, helper: str, text: str) -> Message:
    return Message(summary=tr.gettext("You have an answer"), blocks=(
        Person(tr.gettext("From"), helper), UserText(tr.gettext("They wrote"), text, quote=True),
        _member_buttons(tr, cid)))


def to_member_suggestion(tr: Translator, cid: int) -> Message:
    return Message(summary=tr.gettext("A suggestion about your conversation"), blocks=(
        Text(tr.gettext("The person you are talking to suggests making this a report to the committee. It is "
                        "your choice: the form opens filled in from your conversation, and you edit and send it "
                        "yourself.")),
        Buttons((Button(MAKE_REPORT, tr.gettext("Make this a report"), str(cid), "primary"),))))


def to_member_handover(tr: Translator, cid: int, helper: str, colleague: str) -> Message:
    return Message(summary=tr.gettext("May someone else join your conversation?"), blocks=(
        Person(tr.gettext("The person you are talking to"), helper),
        Person(tr.gettext("would like to hand your conversation over to"), colleague),
        Text(tr.gettext("If you agree, they will see what you have written so far and answer from now on. "
                        "If not, nothing changes.")),
        Buttons((Button(AGREE, tr.gettext("Agree"), str(cid), "primary"),
                 Button(DECLINE, tr.gettext("Keep talking as we are"), str(cid))))))


def to_member_unanswered(tr: Translator, cid: int, within: str) -> Message:
    return Message(summary=tr.gettext("Nobody has answered yet"), blocks=(
        Text(tr.gettext("Nobody has answered you within %(within)s of working time. You can wait, or choose "
                        "someone else to talk to.") % {"within": within}),
        Buttons((Button(SOMEONE_ELSE, tr.gettext("Talk to someone else"), str(cid), "primary"),
                 Button(MAKE_REPORT, tr.gettext("Make this a report"), str(cid))))))


def ended(tr: Translator) -> Message:
    return Message(summary=tr.gettext("A conversation has ended"), blocks=(
        Text(tr.gettext("This conversation has ended. Nothing was passed to the committee.")),))


def handed_away(tr: Translator) -> Message:
    return Message(summary=tr.gettext("A conversation was handed over"), blocks=(
        Text(tr.gettext("The member agreed to the handover: a colleague answers them from now on.")),))


def declined(tr: Translator) -> Message:
    return Message(summary=tr.gettext("About your handover"), blocks=(
        Text(tr.gettext("The member would rather keep talking with you: nothing was shared.")),))


def left(tr: Translator) -> Message:
    return Message(summary=tr.gettext("A conversation was moved"), blocks=(
        Text(tr.gettext("The member chose to talk to someone else. Nothing was passed to the committee.")),))


# ---- answers to the person who acted (shown to them alone) ----

def sent(tr: Translator) -> str:
    return tr.gettext("Sent. cocbot passes it on privately.")


def started(tr: Translator) -> str:
    return tr.gettext("Your conversation has started. cocbot will bring the answers to your direct messages. "
                      "Nothing is a report unless you make it one.")


def no_one_on_duty(tr: Translator) -> str:
    return tr.gettext("Nobody you can talk to is on duty here right now (or the one who is, is someone you do not "
                      "want to talk to). Please pick someone below.")


def not_eligible(tr: Translator) -> str:
    return tr.gettext("Please pick a facilitator or committee member who is not someone you named or excluded.")


def empty(tr: Translator) -> str:
    return tr.gettext("Please write something.")


def not_yours(tr: Translator) -> str:
    return tr.gettext("This conversation is not one you are part of, or it has ended.")


def suggested(tr: Translator) -> str:
    return tr.gettext("Suggested. The member decides; nothing is filed for them.")


def handover_asked(tr: Translator) -> str:
    return tr.gettext("Asked. The member is asked to agree first; until they do, nothing changes.")


def handover_done(tr: Translator) -> str:
    return tr.gettext("Thank you: your conversation continues with them.")


def handover_declined(tr: Translator) -> str:
    return tr.gettext("Nothing changed: you keep talking with the same person.")


def ended_answer(tr: Translator) -> str:
    return tr.gettext("The conversation has ended.")


def prefill(tr: Translator, lines: Sequence[str]) -> str:
    return tr.gettext("From my conversation before reporting:") + "\n" + "\n".join(lines)


def forum_help(tr: Translator) -> str:
    return tr.gettext("To talk privately with a facilitator first, send me a private message starting with “talk” "
                      "on its own line, then what you would like to talk about. Add “anonymously” to stay "
                      "anonymous, “to @name” to choose whom, “about duty” if it is about the facilitator on duty, "
                      "and “not @name” for anyone who must not take part. Nothing is a report unless you make it "
                      "one.")


def outcome_title(tr: Translator) -> str:
    return tr.gettext("Talk to someone")


def form_not_opened(tr: Translator, error: str) -> str:
    return tr.gettext("Sorry, the form could not open (Slack said: %(error)s). Please try again.") % {"error": error}
