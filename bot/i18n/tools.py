"""Extracting texts and keeping the catalogs in step: the one command to run after changing texts is

    python -m cocbot.bot.i18n update      # re-extract the template, merge it into every .po, compile

(the same as `pybabel extract -F babel.cfg …` then `pybabel update` and `pybabel compile`; babel.cfg holds
the same settings for people who prefer pybabel).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from cocbot.bot.i18n.catalogs import DOMAIN, LANGUAGES, LOCALE_DIR, compile_catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "scenarios")
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [("**/testing/**", "ignore"), ("**.py", "python")]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def extract() -> Catalog:
    """Every text the code marks for translation, in a stable order (no line numbers: merges stay quiet)."""
    catalog = Catalog(project="cocbot", version="0.1.0", copyright_holder="cocbot contributors",
                      msgid_bugs_address="", charset="utf-8", fuzzy=False)
    for source in SOURCES:
        for filename, _lineno, message, comments, context in extract_from_dir(
                ROOT / source, method_map=METHOD_MAP, keywords=KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            catalog.add(message, locations=[(f"{source}/{filename}", None)],  # type: ignore[list-item]
                        auto_comments=comments, context=context)
    return catalog


def _write(catalog: Catalog, path: Path, **options: object) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=116, sort_output=False, include_lineno=False, **options)  # type: ignore[arg-type]
    text = buf.getvalue()
    # The creation date changes on every run; leave the file alone when only it would change.
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(text):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


def _without_dates(text: bytes) -> bytes:
    return b"\n".join(line for line in text.splitlines()
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def keys(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def update(languages: Iterable[str] = LANGUAGES[1:]) -> None:
    template = extract()
    _write(template, TEMPLATE)
    for lang in languages:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            catalog = read(po, lang)
        else:
            catalog = Catalog(locale=lang, project="cocbot", version="0.1.0", fuzzy=False)
        # No fuzzy matching: a guessed translation of a changed text would read as if it were checked.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        _write(catalog, po, ignore_obsolete=True)
        compile_catalog(lang)


def compile_all() -> None:
    for lang in LANGUAGES[1:]:
        compile_catalog(lang)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "update"
    if command == "update":
        update(args[1:] or LANGUAGES[1:])
    elif command == "compile":
        compile_all()
    elif command == "init" and len(args) == 2:
        update([args[1]])
    else:
        print("usage: python -m cocbot.bot.i18n [update [LANG…] | init LANG | compile]", file=sys.stderr)
        return 2
    return 0
