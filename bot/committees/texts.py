"""What the committee capability tells people and operators."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.i18n import N_, Translator


JOINED_AFTER_CLOSING = N_("%(ref)s was closed before you joined the committee, so you cannot open it. "
                          "Nothing was changed.")


def joined_after_closing(tr: Translator, ref: str) -> str:
    return tr.gettext(JOINED_AFTER_CLOSING) % {"ref": ref}


def history_line(tr: Translator, at: datetime, change: str, member: str, platform: str, founding: bool) -> str:
    values = {"date": f"{at:%Y-%m-%d}", "member": member, "platform": platform}
    if founding:
        return tr.gettext("%(date)s  %(member)s on the committee (%(platform)s) when cocbot began keeping this "
                          "list") % values
    if change == "joined":
        return tr.gettext("%(date)s  %(member)s joined the committee (%(platform)s)") % values
    return tr.gettext("%(date)s  %(member)s left the committee (%(platform)s)") % values


def no_history(tr: Translator) -> str:
    return tr.gettext("No committee membership recorded yet: it is recorded when cocbot starts.")


def cannot_remove(tr: Translator, ref: str) -> str:
    return tr.gettext("A member who left the committee is still in the private message of %(ref)s: the forum "
                      "offers no way for cocbot to remove them; please remove them by hand.") % {"ref": ref}
