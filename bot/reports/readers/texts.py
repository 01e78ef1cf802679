"""What the reporter and the committee are told about a report only some members may see."""

from __future__ import annotations

from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Button, Buttons, Message, Note, Text


def only_committee(tr: Translator) -> str:
    return tr.gettext("Only members of the Code of Conduct committee can be chosen here.")


def everyone_chosen_is_kept_out(tr: Translator) -> str:
    return tr.gettext("Everyone you chose is also named or excluded in this report, so nobody could read it. "
                      "Please choose someone else, or leave this empty for the whole committee.")


def only_the_reporter(tr: Translator) -> str:
    return tr.gettext("Only the person who filed this report can answer this. Nothing was changed.")


def already_whole(tr: Translator, ref: str) -> str:
    return tr.gettext("The whole committee can already see %(ref)s.") % {"ref": ref}


def widened(tr: Translator, ref: str) -> str:
    return tr.gettext("Thank you. The rest of the committee (never anyone you named or excluded) is being given "
                      "%(ref)s now.") % {"ref": ref}


def kept(tr: Translator, ref: str) -> str:
    return tr.gettext("%(ref)s stays with the people you chose. You can change your mind with the button "
                      "above at any time.") % {"ref": ref}


def ask(tr: Translator, ref: str, why: str) -> Message:
    if why == "held":
        text = tr.gettext("None of the committee members you chose can take your report %(ref)s (they are named "
                          "or excluded in it, or no longer on the committee), so nobody has seen it yet.") % {
            "ref": ref}
    else:
        text = tr.gettext("The committee members you chose have not acknowledged your report %(ref)s in time.") % {
            "ref": ref}
    return Message(summary=tr.gettext("Your report %(ref)s: may the rest of the committee see it?") % {"ref": ref},
                   blocks=(Text(text),
                           Text(tr.gettext("May the rest of the Code of Conduct committee see it? Nobody you named "
                                           "or excluded will, whatever you choose.")),
                           Buttons((Button("readers_widen", tr.gettext("Let the whole committee see it"), ref,
                                           style="primary"),
                                    Button("readers_keep", tr.gettext("Keep it with the people I chose"), ref))),
                           Note(tr.gettext("Nothing changes until you answer."))))


def chosen_note(tr: Translator) -> str:
    return tr.gettext("The reporter chose who on the committee may see this report; please do not discuss it "
                      "with other members.")
