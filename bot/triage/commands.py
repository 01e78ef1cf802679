"""Triage commands typed as words (replies in a committee PM): the words for the Slack buttons and modals.

`ack`, `assign me`, `conflict`, `note …`, `ask …`, `assess …`, `decide <outcome> …` and `close` (also
`reopen`). Pure parsing: an edge turns a Command into the same TriageService call a Slack button makes,
and the domain's own validation answers mistakes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from cocbot.bot.i18n import N_
from cocbot.bot.triage.rules import BANS, Outcome

# Translators: the command words (ack, assign me, conflict, note, ask, assess, risk, impact, ongoing, unsafe,
# reporter, category, decide, the outcomes, who:, scope:, until:, places:, forum, close, reopen, low/high, yes/no…)
# are what cocbot understands: keep them in English, exactly as written.
HELP = N_("Reply with one of (the command words in English, as written here): ack · assign me · conflict · "
          "note <text> · ask <question for the reporter> · "
          "assess risk <low|high>, impact <low|high>, ongoing <yes|no|unsure>, unsafe <yes|no>, "
          "reporter <affected|witness>, category <category> · "
          "decide <outcome> <what the reporter is told> · close · reopen · history. Outcomes: no action, "
          "private reprimand, "
          "public reprimand, resources, week off, temporary ban, permanent ban. A ban names who, where and until "
          "when on lines of their own, e.g.\n"
          "decide temporary ban\nwho: username, username\nscope: forum and calls\nuntil: 2027-03-31\n"
          "places: forum (or category ids, e.g. 5, 7: where cocbot enforces it)\n"
          "The committee decided to ban the person involved for a period.")
# What a note or a question needs after its command word (`words`: the word the member typed).
_WRITE_AFTER = {"note": N_("Write the note after “%(words)s”."),
                "ask": N_("Write your question for the reporter after “%(words)s”.")}

_WORDS = {
    "ack": "acknowledge", "acknowledge": "acknowledge", "assign me": "assign", "take": "assign",
    "conflict": "recuse", "recuse": "recuse", "i have a conflict": "recuse", "note": "note", "ask": "ask",
    "assess": "assess", "assessment": "assess",
    "decide": "decide", "close": "close", "reopen": "reopen", "history": "history",
    # Not about one report: the figures, sent to the committee member who asks in a private message of their own.
    "transparency": "transparency", "transparency report": "transparency",
}
_OUTCOMES = {o.value.replace("_", " "): o for o in Outcome}
# Assessment fields as typed → the names bot.triage.validate_assessment checks.
_ASSESS_KEYS = {"risk": "risk", "impact": "impact", "ongoing": "ongoing", "unsafe": "unsafe",
                "reporter": "reporter_role", "role": "reporter_role", "reporter role": "reporter_role",
                "category": "category"}


@dataclass(frozen=True)
class Command:
    action: str  # acknowledge | assign | … | close | reopen | transparency | help | unknown
    text: str = ""
    outcome: Outcome | None = None
    problem: str = ""
    values: dict[str, str] = field(default_factory=dict)  # assess: field → value as typed
    ban_subjects: tuple[str, ...] = ()
    ban_scope: str = ""
    ban_until: datetime | None = None
    # `places:` — where the ban is enforced: forum, category ids, workspace, Slack channel ids.
    ban_categories: tuple[int, ...] = ()
    ban_forum: bool = False
    ban_workspace: bool = False
    ban_channels: tuple[str, ...] = ()
    problem_args: dict[str, str] = field(default_factory=dict)  # the values `problem` (an English source) names


def parse(raw: str) -> Command:
    text = raw.strip()
    lowered = re.sub(r"\s+", " ", text.lower())
    for words in sorted(_WORDS, key=len, reverse=True):
        if lowered == words or lowered.startswith(words + " ") or lowered.startswith(words + ":") \
                or lowered.startswith(words + "\n"):
            rest = text[len(words):].lstrip(" :\n\t")
            action = _WORDS[words]
            if action in ("note", "ask"):
                if not rest:
                    return Command(action, problem=_WRITE_AFTER[action], problem_args={"words": words})
                return Command(action, rest)
            if action == "decide":
                return _decide(rest)
            if action == "assess":
                return _assess(rest)
            return Command(action)
    if lowered in ("help", "?", "commands"):
        return Command("help")
    return Command("unknown")


def _assess(rest: str) -> Command:
    """`assess risk high, impact low, ongoing no, unsafe no, reporter witness, category Harassment…` — one
    field per comma, semicolon or line, written `key value`, `key: value` or `key=value`."""
    values: dict[str, str] = {}
    for part in re.split(r"[,;\n]", rest):
        m = re.match(r"\s*([a-z_ ]+?)\s*[:=]?\s+(.+?)\s*$|\s*([a-z_ ]+?)\s*[:=]\s*(.+?)\s*$", part, re.IGNORECASE)
        if not m:
            continue
        key = (m.group(1) or m.group(3)).lower().replace("_", " ").strip()
        value = (m.group(2) or m.group(4)).strip()
        if key in _ASSESS_KEYS:
            name = _ASSESS_KEYS[key]
            values[name] = value if name == "category" else value.lower()
    if not values:
        # Translators: keep the command words (assess, risk, high, impact, low…) in English.
        return Command("assess", problem=N_("Write the assessment after “assess”, in English words, e.g. assess "
                                            "risk high, impact low, ongoing no, unsafe no, reporter witness, "
                                            "category <category>."))
    return Command("assess", values=values)


def _decide(rest: str) -> Command:
    lowered = re.sub(r"[\s_-]+", " ", rest.lower())
    for label, outcome in sorted(_OUTCOMES.items(), key=lambda kv: -len(kv[0])):
        if lowered.startswith(label):
            # The label may have been typed with _ or -: cut by words, not characters.
            message = re.sub(r"^\s*" + r"[\s_-]+".join(label.split()) + r"[\s:\-]*", "", rest,
                             flags=re.IGNORECASE)
            if outcome in BANS:
                return _ban(outcome, message)
            if not message.strip():
                return Command("decide", outcome=outcome,
                               problem=N_("After the outcome, write what the reporter should be told."))
            return Command("decide", message, outcome)
    # Translators: keep the outcomes in English: they are the words cocbot understands.
    return Command("decide", problem=N_("Name the outcome first, in English: no action, private reprimand, public "
                                        "reprimand, resources, week off, temporary ban or permanent ban."))


def _ban(outcome: Outcome, rest: str) -> Command:
    """A ban's `who:`, `scope:` and `until:` lines (any order); every other line is the reporter's message."""
    fields: dict[str, str] = {}
    message: list[str] = []
    for line in rest.splitlines():
        m = re.match(r"\s*(who|people|scope|where|until|ends?|places|categories)\s*:\s*(.*?)\s*$", line,
                     re.IGNORECASE)
        if m:
            key = {"people": "who", "where": "scope", "end": "until", "ends": "until",
                   "categories": "places"}.get(m.group(1).lower(), m.group(1).lower())
            fields[key] = m.group(2)
        else:
            message.append(line)
    subjects = tuple(dict.fromkeys(n.strip().lstrip("@").lower() for n in re.split(r"[,\s]+", fields.get("who", ""))
                                   if n.strip().lstrip("@")))
    until: datetime | None = None
    if fields.get("until"):
        try:
            # As in Slack: a ban "until 31 March" is in force through that day, in UTC.
            until = datetime.combine(date.fromisoformat(fields["until"]), time(23, 59), tzinfo=timezone.utc)
        except ValueError:
            return Command("decide", outcome=outcome,
                           problem=N_("until: write the date the ban ends as YYYY-MM-DD (got “%(got)s”)."),
                           problem_args={"got": fields["until"][:20]})
    places = [p.strip().lower() for p in re.split(r"[,;]+|\s+and\s+", fields.get("places", "")) if p.strip()]
    categories: list[int] = []
    channels: list[str] = []
    for place in places:
        word = place.removeprefix("category").strip().lstrip("#")
        if word.isdigit():
            categories.append(int(word))
        elif re.fullmatch(r"[cg][a-z0-9]{2,}", place) and any(ch.isdigit() for ch in place):
            channels.append(place.upper())
        elif place not in ("forum", "whole forum", "the forum", "all", "workspace", "slack", "whole workspace"):
            # Translators: keep “places:”, forum and workspace in English: they are the words cocbot understands.
            return Command("decide", outcome=outcome,
                           problem=N_("places: “%(place)s” is not a place cocbot knows. Write forum, workspace "
                                      "(in English), category ids or Slack channel ids, separated by commas."),
                           problem_args={"place": place[:30]})
    return Command("decide", "\n".join(message).strip(), outcome, ban_subjects=subjects,
                   ban_scope=fields.get("scope", ""), ban_until=until, ban_categories=tuple(categories),
                   ban_forum=any(p in ("forum", "whole forum", "the forum", "all") for p in places),
                   ban_workspace=any(p in ("workspace", "slack", "whole workspace", "all") for p in places),
                   ban_channels=tuple(channels))
