"""Triage commands typed as replies in a committee PM: the words for the Slack buttons.

`ack`, `assign me`, `conflict`, `note …`, `ask …`, `decide <outcome> …` and `close` (also `reopen`).
Pure parsing: the edge turns a Command into the same bot.triage_service call a Slack button makes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.triage import BANS, Outcome

HELP = ("Reply with one of: ack · assign me · conflict · note <text> · ask <question for the reporter> · "
        "decide <outcome> <what the reporter is told> · close · reopen. Outcomes: no action, private reprimand, "
        "public reprimand, resources (bans are recorded from Slack, where their dates and scope are asked for).")

_WORDS = {
    "ack": "acknowledge", "acknowledge": "acknowledge", "assign me": "assign", "take": "assign",
    "conflict": "recuse", "recuse": "recuse", "i have a conflict": "recuse", "note": "note", "ask": "ask",
    "decide": "decide", "close": "close", "reopen": "reopen",
}
_OUTCOMES = {o.value.replace("_", " "): o for o in Outcome}


@dataclass(frozen=True)
class Command:
    action: str  # acknowledge | assign | recuse | note | ask | decide | close | reopen | help | unknown
    text: str = ""
    outcome: Outcome | None = None
    problem: str = ""


def parse(raw: str) -> Command:
    text = raw.strip()
    lowered = re.sub(r"\s+", " ", text.lower())
    for words in sorted(_WORDS, key=len, reverse=True):
        if lowered == words or lowered.startswith(words + " ") or lowered.startswith(words + ":") \
                or lowered.startswith(words + "\n"):
            rest = text[len(words):].lstrip(" :\n\t")
            action = _WORDS[words]
            if action in ("note", "ask"):
                return Command(action, rest) if rest else Command(action, problem=f"Write the {action} after “{words}”.")
            if action == "decide":
                return _decide(rest)
            return Command(action)
    if lowered in ("help", "?", "commands"):
        return Command("help")
    return Command("unknown")


def _decide(rest: str) -> Command:
    lowered = re.sub(r"[\s_-]+", " ", rest.lower())
    for label, outcome in sorted(_OUTCOMES.items(), key=lambda kv: -len(kv[0])):
        if lowered.startswith(label):
            # The label may have been typed with _ or -: cut by words, not characters.
            message = re.sub(r"^\s*" + r"[\s_-]+".join(label.split()) + r"[\s:\-]*", "", rest,
                             flags=re.IGNORECASE)
            if outcome in BANS:
                return Command("decide", outcome=outcome,
                               problem="Bans need their scope and end date: please record this decision from Slack.")
            if not message.strip():
                return Command("decide", outcome=outcome,
                               problem="After the outcome, write what the reporter should be told.")
            return Command("decide", message, outcome)
    return Command("decide", problem="Name the outcome first: no action, private reprimand, public reprimand or "
                                     "resources.")
