"""`cocbot committee history`: who joined and left the committee and when (as seen at each start)."""

from __future__ import annotations

import argparse
from typing import Any


def add_committee_commands(sub: Any) -> None:
    committee = sub.add_parser("committee", help="the committee's membership over time")
    committee_sub = committee.add_subparsers(dest="committee_command", required=True)
    history = committee_sub.add_parser("history", help="membership changes with their dates")
    history.set_defaults(func=cmd_committee_history)


def cmd_committee_history(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import Failed, run_or_say, with_database
    from cocbot.bot.committees import texts
    from cocbot.bot.committees.membership import history
    from cocbot.bot.i18n import english

    changes = run_or_say(with_database(history), "cocbot could not read the committee history")
    if isinstance(changes, Failed):
        return changes.status
    tr = english()
    if not changes:
        print(texts.no_history(tr))
        return 0
    for c in changes:
        print(texts.history_line(tr, c.at, c.change, c.member, c.platform, c.founding))
    return 0
