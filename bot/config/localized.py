"""A configured text that may be written once or per language:

    contact: "reply to this message"                     # every reader gets this
    contact: {en: "reply to this message", es: "responde a este mensaje"}

The reader gets their language, else the closest one given (`pt` for `pt_BR`), else English, else the
first one written."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from cocbot.bot.i18n.catalogs import negotiate


def _check(value: object) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if not value:
            raise ValueError("give the text, or at least one language: text pair")
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not isinstance(text, str):
                raise ValueError("write each language as `code: text`, like `es: ...`")
            out[lang.replace("-", "_")] = text
        return out
    raise ValueError("write a text, or one text per language (a mapping like `en: ...` / `es: ...`)")


LocalizedText = Annotated[str | dict[str, str], BeforeValidator(_check)]


def localized(value: str | dict[str, str], locale: str | None) -> str:
    """The text of `value` for a reader of `locale`."""
    if isinstance(value, str):
        return value
    lang = negotiate(locale)
    if lang in value:
        return value[lang]
    by_language = {negotiate(key): text for key, text in value.items()}
    for choice in (lang, "en"):
        if choice in by_language:
            return by_language[choice]
    return next(iter(value.values()))
