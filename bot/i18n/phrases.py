"""cocbot's own words decided in the domain but read by someone whose language only the edge knows (a triage
refusal, a service's answer): the English source text with its named placeholders and their values, kept
apart until the text is shown, so the edge can translate the sentence whole.

A value that is itself one of cocbot's terms (a report state's name) is marked with ``term`` and translated
too; refs, names and numbers pass as they are. A phrase travels in outbox payloads as plain JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cocbot.bot.i18n.catalogs import Translator


def term(english: str) -> dict[str, str]:
    """A placeholder value translated where the sentence is shown (mark its source text with N_)."""
    return {"term": english}


def english_of(template: str, args: Mapping[str, Any] | None = None) -> str:
    """The English sentence (for logs, tests and the CLI)."""
    return _fill(template, args, None)


def said(tr: Translator, template: str, args: Mapping[str, Any] | None = None) -> str:
    """`template` in `tr`'s language with `args` filled in; an empty template stays empty."""
    return _fill(template, args, tr)


def _fill(template: str, args: Mapping[str, Any] | None, tr: Translator | None) -> str:
    if not template:
        return ""
    text = tr.gettext(template) if tr is not None else template
    if not args:
        return text
    values = {k: _value(v, tr) for k, v in args.items()}
    for candidate in (text, template):
        try:
            return candidate % values
        except (KeyError, ValueError, TypeError):
            # A translation whose placeholders do not match (the catalog tests forbid it): the English one.
            continue
    return template


def _value(value: Any, tr: Translator | None) -> Any:
    if isinstance(value, Mapping) and "term" in value:
        english = str(value["term"])
        return tr.gettext(english) if tr is not None and english else english
    if isinstance(value, Mapping) and "template" in value:
        return _fill(str(value["template"]), value.get("args"), tr)
    if isinstance(value, (list, tuple)):
        # A list of places, people…: each item translated where shown, then joined.
        return ", ".join(str(_value(v, tr)) for v in value)
    return value


def part(template: str, **args: Any) -> dict[str, Any]:
    """A placeholder value that is a phrase of its own (`template` marked with N_), filled where shown."""
    return {"template": template, "args": args}


class Phrase(str):
    """A sentence of cocbot's own that reads as its English text wherever a string is expected (logs, tests,
    domain code comparing words) and keeps its source text and values, so the edge can show it in the
    reader's language: `localized(tr, text)`."""

    template: str
    args: Mapping[str, Any]

    def __new__(cls, template: str, **args: Any) -> Phrase:
        self = super().__new__(cls, english_of(template, args))
        self.template = template
        self.args = args
        return self

    def payload(self) -> dict[str, Any]:
        """For an outbox payload (cocbot's own words and ids only)."""
        return {"text": self.template, "args": dict(self.args)}


def localized(tr: Translator, text: str) -> str:
    """`text` in `tr`'s language: a Phrase whole with its values, a plain English source text as it is in the
    catalog (or unchanged when it is not a source text)."""
    if isinstance(text, Phrase):
        return said(tr, text.template, text.args)
    return tr.gettext(text) if text else text


def payload(text: str) -> dict[str, Any]:
    """A text of cocbot's for an outbox payload: a Phrase keeps its source text and values."""
    return text.payload() if isinstance(text, Phrase) else {"text": text}
