"""Loading the message catalogs, one Translator per language, cached for the life of the process.

The catalogs are the `.po` files under locale/<lang>/LC_MESSAGES/. A wheel carries them compiled (setup.py
compiles them while building); a checkout or an editable install compiles a missing or stale `.mo` on
first use, so nobody has to run a build step by hand.
"""

from __future__ import annotations

import gettext as _gettext
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError, negotiate_locale

log = logging.getLogger("cocbot.i18n")

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The languages cocbot is written in. English is the source text and needs no catalog.
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "pt_BR", "de")
# A bare language picks this variant when only a regional catalog exists.
_ALIASES = {"en": "en", "es": "es", "fr": "fr", "pt": "pt_BR", "de": "de"}


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated where it is shown (`tr.gettext(LABELS[key])`)."""
    return message


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

    def __repr__(self) -> str:
        return f"Translator({self._locale!r})"


def negotiate(locale: str | None) -> str:
    """The closest language cocbot speaks to `locale` (`es-MX` → `es`, `pt` → `pt_BR`, `fr_CA` → `fr`),
    English when there is none. Accepts Slack's `es-ES`, Discourse's `pt_BR` and Accept-Language tags."""
    if not locale:
        return "en"
    tag = locale.strip().replace("-", "_")
    found = negotiate_locale([tag], LANGUAGES, sep="_")
    if found:
        return found
    try:
        language = Locale.parse(tag).language
    except (ValueError, TypeError, UnknownLocaleError):
        language = tag.split("_", 1)[0].lower()
    return _ALIASES.get(language, "en")


def accept_language(header: str | None) -> str | None:
    """The best language of an HTTP Accept-Language header that cocbot speaks, or None."""
    if not header:
        return None
    weighted: list[tuple[float, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        weighted.append((-q + i * 1e-6, tag))
    for _, tag in sorted(weighted):
        lang = negotiate(tag)
        if lang != "en" or tag.lower().startswith("en"):
            return lang
    return None


def compile_catalog(lang: str) -> Path | None:
    """The `.mo` of `lang`, compiled from its `.po` when it is missing or older. None without a `.po`."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not po.exists():
        return mo if mo.exists() else None
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    try:
        # Written beside and renamed: two processes compiling at once never read half a file.
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
        return mo
    except OSError:
        # A read-only install: compile in memory instead.
        log.info("could not write the compiled %s catalog; compiling it in memory", lang)
        return None


def _load(lang: str) -> _gettext.NullTranslations:
    mo = compile_catalog(lang)
    if mo is not None and mo.exists():
        with mo.open("rb") as f:
            return _gettext.GNUTranslations(f)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        import io

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        buf = io.BytesIO()
        with po.open("rb") as f:
            write_mo(buf, read_po(f, locale=lang), use_fuzzy=False)
        buf.seek(0)
        return _gettext.GNUTranslations(buf)
    return _gettext.NullTranslations()


@cache
def translator(locale: str | None) -> Translator:
    """The Translator for `locale`, or for the closest language cocbot speaks (English at worst)."""
    lang = negotiate(locale)
    if lang == "en":
        return _Catalog("en", _gettext.NullTranslations())
    if locale != lang:
        return translator(lang)
    return _Catalog(lang, _load(lang))


def english() -> Translator:
    return translator("en")
