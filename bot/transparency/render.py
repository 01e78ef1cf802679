"""The transparency report as Markdown, CSV, JSON, or a message for one committee member."""

from __future__ import annotations

import csv
import io
import json

from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Facts, Heading, Message, Note, Text
from cocbot.bot.transparency import texts
from cocbot.bot.transparency.figures import Figures

FORMATS = ("markdown", "csv", "json")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(tr: Translator, figures: Figures, community: str) -> str:
    lines = [f"# {texts.title(tr, community)}", "", texts.period(tr, figures.first_month, figures.last_month), "",
             f"_{figures.note}_", ""]
    for section in figures.sections:
        lines += [f"## {section.title}", "", f"| {texts.column_figure(tr)} | {texts.column_value(tr)} |",
                  "| --- | ---: |"]
        lines += [f"| {_md(c.label)} | {_md(c.shown)} |" for c in section.cells]
        lines.append("")
    return "\n".join(lines)


def as_csv(tr: Translator, figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "figure", "value", "shown"])
    for section in figures.sections:
        for c in section.cells:
            writer.writerow([section.title, c.label, "" if c.value is None else c.value, c.shown])
    writer.writerow(["", "note", "", figures.note])
    return out.getvalue()


def as_json(tr: Translator, figures: Figures) -> str:
    return json.dumps({
        "period": {"first_month": figures.first_month, "last_month": figures.last_month},
        "min_count": figures.min_count,
        "sections": [{"title": s.title, "figures": [{"label": c.label, "value": c.value, "shown": c.shown}
                                                    for c in s.cells]} for s in figures.sections],
        "note": figures.note,
    }, ensure_ascii=False, indent=2) + "\n"


def render(tr: Translator, figures: Figures, fmt: str, community: str) -> str:
    if fmt == "csv":
        return as_csv(tr, figures)
    if fmt == "json":
        return as_json(tr, figures)
    return markdown(tr, figures, community)


def message(tr: Translator, figures: Figures, community: str) -> Message:
    """For a DM to the committee member who asked: figures only, nothing of any report."""
    blocks: list[Heading | Text | Facts | Note] = [
        Heading(texts.title(tr, community)),
        Text(texts.dm_intro(tr, figures.first_month, figures.last_month)),
    ]
    for section in figures.sections:
        if section.cells:
            blocks += [Text(section.title, bold=True), Facts(tuple((c.label, c.shown) for c in section.cells))]
    blocks.append(Note(figures.note))
    return Message(summary=texts.title(tr, community), blocks=tuple(blocks))
