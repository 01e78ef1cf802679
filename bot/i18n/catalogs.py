"""Loading the message catalogs, one Translator per language, cached for the life of the process."""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from typing import Protocol


class Translator(Protocol):
    """What the text builders need: a lookup for one language."""

    @property
    def locale(self) -> str: ...

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class _Catalog:
    def __init__(self, locale: str, translations: _gettext.NullTranslations) -> None:
        self._locale = locale
        self._translations = translations

    @property
    def locale(self) -> str:
        return self._locale

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)


@cache
def translator(locale: str | None) -> Translator:
    """The Translator for `locale`; English until catalogs for other languages are installed."""
    return _Catalog("en", _gettext.NullTranslations())


def english() -> Translator:
    return translator("en")
