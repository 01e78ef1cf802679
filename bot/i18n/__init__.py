"""The reader's language. Every text a person reads is looked up through a Translator for that person's
locale, so the same code path serves an English committee and a Spanish-speaking reporter.

Texts are written in English inside ``tr.gettext("...")`` / ``tr.ngettext("...", "...", n)`` calls, with
named ``%(placeholder)s`` substitutions applied after the lookup, so `pybabel extract` finds them and
translators can move the placeholders where their grammar needs them. Constants (label tables) are marked
with ``N_("...")`` and translated where they are shown. Dates, numbers and lists are formatted for the
reader's locale with the helpers in ``cocbot.bot.i18n.formatting``.

After changing texts: ``python -m cocbot.bot.i18n update`` re-extracts the template and merges it into
every language's catalog.
"""

from __future__ import annotations

from cocbot.bot.i18n.catalogs import LANGUAGES, N_, Translator, accept_language, english, negotiate, translator

__all__ = ["LANGUAGES", "N_", "Translator", "accept_language", "english", "negotiate", "translator"]
