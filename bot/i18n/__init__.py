"""The reader's language. Every text a person reads is looked up through a Translator for that person's
locale, so the same code path serves an English committee and a Spanish-speaking reporter.

Texts are written in English inside ``tr.gettext("...")`` / ``tr.ngettext("...", "...", n)`` calls, with
named ``%(placeholder)s`` substitutions applied after the lookup, so `pybabel extract` finds them and
translators can move the placeholders where their grammar needs them.
"""

from __future__ import annotations

from cocbot.bot.i18n.catalogs import Translator, english, translator

__all__ = ["Translator", "english", "translator"]
