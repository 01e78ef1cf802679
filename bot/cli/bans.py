"""`cocbot bans`: the recorded bans, for the committee's periodic review (CSCCE: "The committee will
maintain records of all such bans so that they may be reviewed in the future").

Runs against the bot's database, with the bot's settings (DATABASE_URL, COCBOT_CONTENT_KEYS). Prints
references, outcomes, scopes, end dates and the Slack ids of the people banned — never what was reported.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import Any

from cocbot.bot.triage import rules as triage


def add_bans_command(sub: Any) -> None:
    bans = sub.add_parser("bans", help="list recorded bans for review: those in force (or --all)")
    bans.add_argument("--all", action="store_true", help="include bans that have ended")
    bans.set_defaults(func=cmd_bans)
    bans_sub = bans.add_subparsers(dest="bans_command", metavar="check")
    check = bans_sub.add_parser("check", help="compare a sign-up list (CSV of emails, Slack ids or forum "
                                              "usernames) with the bans in force; prints the matches only")
    check.add_argument("file", help="the CSV file (any columns; every cell naming a person is checked)")
    check.set_defaults(func=cmd_bans_check)


def cmd_bans_check(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.bans_check import run_check

    return run_check(args.file)


def cmd_bans(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import Failed, run_or_say

    lines = run_or_say(_ban_lines(include_ended=bool(args.all), now=datetime.now(timezone.utc)),
                       "cocbot could not read the bans")
    if isinstance(lines, Failed):
        return lines.status
    print("\n".join(lines) if lines else ("No bans recorded." if args.all else "No bans in force."))
    return 0


async def _ban_lines(*, include_ended: bool, now: datetime) -> list[str]:
    from cocbot.bot.cli.database import with_database
    from cocbot.storage import bans as bans_q
    from cocbot.storage import triage as triage_q

    async def read(db: Any) -> tuple[Any, dict[Any, Any]]:
        async with db.transaction() as session:
            bans = await triage_q.all_bans(session)
            return bans, ({b.ban.id: b.places for b in await bans_q.in_force(session, now)} if bans else {})

    bans, enforced = await with_database(read)
    return [describe(ref, ban, now) + _places(enforced.get(ban.id))
            for ref, ban in bans if include_ended or ban.ends_at is None or ban.ends_at > now]


def _places(places: Any) -> str:
    """Where cocbot enforces a ban in force (its places), when it has any."""
    if places is None or places.empty:
        return ""
    named = [*(f"#{c}" for c in places.channels), *(["workspace"] if places.workspace else []),
             *(f"category {c}" for c in places.categories), *(["forum"] if places.forum else [])]
    return "  enforced in: " + ", ".join(named)


def describe(ref: str, ban: Any, now: datetime) -> str:
    label = triage.OUTCOME_LABELS.get(triage.Outcome(ban.outcome), ban.outcome)
    if ban.ends_at is None:
        until = "permanent"
    elif ban.ends_at <= now:
        until = f"ended {ban.ends_at:%Y-%m-%d}"
    else:
        until = f"until {ban.ends_at:%Y-%m-%d} ({triage.describe_age(ban.ends_at - now)} left)"
    return (f"{ref}  {label}  {until}  scope: {ban.scope}  people: {', '.join(ban.subjects)}  "
            f"recorded {ban.created_at:%Y-%m-%d}")
