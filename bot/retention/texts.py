"""What the operator reads about a purge (`cocbot purge`): references, kinds and dates, never content."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.i18n import Translator
from cocbot.storage.retention import Due


def due_line(tr: Translator, part: str, due: Due) -> str:
    when = f"{due.at:%Y-%m-%d}" if due.at is not None else "-"
    if due.what == "case":
        return tr.gettext("%(ref)s  closed %(date)s  (%(part)s)") % {"ref": due.ref, "date": when, "part": part}
    if due.what == "draft":
        return tr.gettext("unsubmitted draft  saved %(date)s  (%(part)s)") % {"date": when, "part": part}
    return tr.gettext("%(what)s %(ref)s  %(date)s  (%(part)s)") % {"what": due.what, "ref": due.ref, "date": when,
                                                                  "part": part}


def nothing_due(tr: Translator, now: datetime) -> str:
    return tr.gettext("Nothing is due for the purge on %(date)s.") % {"date": f"{now:%Y-%m-%d}"}


def dry_run_total(tr: Translator, n: int) -> str:
    return tr.ngettext("%(n)d item would be purged (dry run: nothing was deleted).",
                       "%(n)d items would be purged (dry run: nothing was deleted).", n) % {"n": n}


def purged(tr: Translator, counts: dict[str, int], deletions: int) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{name}: {n}" for name, n in counts.items())
    head = tr.ngettext("Purged %(n)d item (%(parts)s).", "Purged %(n)d items (%(parts)s).", total) % {
        "n": total, "parts": parts}
    if not deletions:
        return head
    tail = tr.ngettext("%(n)d message or space is queued for deletion on the platform; the running bot sends it.",
                       "%(n)d messages or spaces are queued for deletion on the platform; the running bot sends "
                       "them.", deletions) % {"n": deletions}
    return f"{head} {tail}"
