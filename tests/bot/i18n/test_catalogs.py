"""The catalogs: complete in every language, placeholders as in English, and in step with the code."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cocbot.bot.config.localized import LocalizedText, localized
from cocbot.bot.i18n import LANGUAGES, accept_language, english, negotiate, translator
from cocbot.bot.i18n import catalogs
from cocbot.bot.i18n.formatting import items, moment, number
from cocbot.bot.i18n.tools import TEMPLATE, extract, keys, read

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def _po(lang: str) -> Path:
    return catalogs.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def test_the_template_holds_every_text_the_code_marks() -> None:
    # Fails when code adds or changes an English text: run `python -m cocbot.bot.i18n update`, then translate.
    committed = keys(read(TEMPLATE))
    current = keys(extract())
    assert sorted(map(str, current - committed)) == [], "texts missing from messages.pot"
    assert sorted(map(str, committed - current)) == [], "texts in messages.pot no longer in the code"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalog_is_complete_and_checked(lang: str) -> None:
    template = read(TEMPLATE)
    catalog = read(_po(lang), lang)
    missing, fuzzy = [], []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = () if found is None else (found.string if isinstance(found.string, tuple) else (found.string,))
        if found is None or not all(strings) or len(strings) != (catalog.num_plurals if message.pluralizable else 1):
            missing.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
    assert missing == [] and fuzzy == []
    assert not [m.id for m in catalog.obsolete.values()]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_match_the_english_exactly(lang: str) -> None:
    wrong = []
    for message in read(_po(lang), lang):
        if not message.id or not message.string or (message.pluralizable and not all(message.string)):
            continue
        if message.pluralizable:
            english_sets = {tuple(sorted(set(_placeholders(i)))) for i in message.id}
            for form in message.string:
                # A singular form may leave its count implicit ("una hora"), never add a placeholder.
                if not set(_placeholders(form)) <= set(_placeholders(message.id[1])):
                    wrong.append((message.id, form))
            if tuple(sorted(set(_placeholders(message.string[-1])))) not in english_sets:
                wrong.append((message.id, message.string[-1]))
        elif _placeholders(message.string) != _placeholders(message.id):
            wrong.append((message.id, message.string))
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_slack_and_html_markup_survives_translation(lang: str) -> None:
    # Commands, code spans and the form's <strong> are the same in every language.
    wrong = []
    for message in read(_po(lang), lang):
        if not message.id or message.pluralizable or not message.string:
            continue
        for token in ("/report", "/onduty", "<strong>", "`", "cocbot"):
            if message.id.count(token) != message.string.count(token):
                wrong.append((token, message.id))
    assert wrong == []


def test_the_closest_language_then_english() -> None:
    assert [negotiate(x) for x in ("es-ES", "es-MX", "pt", "pt-PT", "pt_BR", "fr-CA", "de-AT", "en-GB", "ja", "",
                                   None)] == ["es", "es", "pt_BR", "pt_BR", "pt_BR", "fr", "de", "en", "en", "en",
                                              "en"]
    assert translator("es-MX") is translator("es")
    assert translator("xx").locale == "en"
    assert accept_language("fr-CA,fr;q=0.9,en;q=0.8") == "fr"
    assert accept_language("ja,de;q=0.7") == "de"
    assert accept_language("ja") is None and accept_language(None) is None


def test_a_catalog_is_compiled_on_first_use_and_again_when_its_po_is_newer(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.write_bytes(_po("es").read_bytes())
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    mo = catalogs.compile_catalog("es")
    assert mo is not None and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
    loaded = catalogs._load("es")
    assert loaded.gettext("Report a concern") != "Report a concern"


def test_dates_numbers_and_lists_in_the_readers_language() -> None:
    at = datetime(2026, 3, 3, 13, 0, tzinfo=timezone.utc)
    berlin = ZoneInfo("Europe/Berlin")
    assert moment(at, english(), berlin) == "Tue 03 Mar 14:00 CET"
    assert moment(at, translator("es"), berlin) == "mar 03 mar 14:00 CET"
    assert number(1.5, translator("de")) == "1,5" and number(24, english()) == "24"
    assert items(["a", "b", "c"], translator("es")) == "a, b y c"
    assert translator("es").ngettext("%(n)s day", "%(n)s days", 1) % {"n": 1} == "1 día"
    assert translator("es").ngettext("%(n)s day", "%(n)s days", 3) % {"n": 3} == "3 días"


def test_a_configured_text_may_be_given_per_language() -> None:
    from pydantic import TypeAdapter

    adapter = TypeAdapter(LocalizedText)
    both = adapter.validate_python({"en": "reply here", "es": "responde aquí", "pt-BR": "responda aqui"})
    assert localized(both, "es-MX") == "responde aquí"
    assert localized(both, "pt") == "responda aqui"
    assert localized(both, "de") == "reply here"
    assert localized(adapter.validate_python("one text"), "fr") == "one text"
    with pytest.raises(ValueError):
        adapter.validate_python({})
