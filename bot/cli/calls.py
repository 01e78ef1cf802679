"""`cocbot calls …`: import community calls from an .ics file, list them, assign or remove.

Runs against the same database as the bot (DATABASE_URL, COCBOT_CONFIG); the running bot sends the
announcements written here when they fall due, with no restart needed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CHANNEL_ID, USER_ID, load_config

_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def _plain(text: str, tz: str) -> str:
    """Render the domain's placeholders for a terminal."""
    from datetime import datetime

    def sub(m: re.Match[str]) -> str:
        if m.group(1) == "t":
            local = datetime.fromisoformat(m.group(2)).astimezone(ZoneInfo(tz))
            return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
        return m.group(2)

    return _PLACEHOLDER.sub(sub, text)


async def _with_service(fn: Any) -> int:
    from cocbot.bot.clock import SystemClock
    from cocbot.bot.cli.database import command_settings, with_database
    from cocbot.bot.duty.service import DutyService

    settings = command_settings()
    config = load_config(settings.config_path)

    async def work(db: Any) -> int:
        return int(await fn(DutyService(db, config, SystemClock())))

    return await with_database(work, settings)


def _run_with_service(fn: Any) -> int:
    """Run one CLI command's work with the duty service; a bad config or database is reported, not raised."""
    from cocbot.bot.cli.database import Failed, run_or_say

    done = run_or_say(_with_service(fn), "cocbot calls", config_errors=True)
    return done.status if isinstance(done, Failed) else done


def cmd_import(args: argparse.Namespace) -> int:
    from cocbot.bot.duty import calendar as ical
    from cocbot.bot.duty import roster

    if not CHANNEL_ID.match(args.channel):
        print(f"--channel {args.channel!r} is not a Slack channel id (like C0123ABCD; in Slack: channel name → "
              "About → Channel ID)", file=sys.stderr)
        return 2
    rotation = tuple(u.strip() for u in (args.rotation or "").split(",") if u.strip())
    bad = [u for u in rotation if not USER_ID.match(u)]
    if bad:
        print(f"--rotation: {bad[0]!r} is not a Slack user id (like U0123ABCD)", file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2

    async def run(service: Any) -> int:
        not_facilitators = [u for u in rotation if not roster.is_facilitator(u, service.config)]
        if not_facilitators:
            print(f"note: {', '.join(not_facilitators)} are not listed as facilitators or committee members; "
                  "they will be announced but cannot use /onduty to hand over.", file=sys.stderr)
        try:
            results = await service.import_calendar(data, args.channel, rotation)
        except ical.CalendarError as exc:
            print(f"{args.file}: {exc}", file=sys.stderr)
            return 2
        tz = service.timezone
        for r in results:
            verb = "imported" if r.created else "updated"
            print(f"{verb} call {r.call_id} “{r.name}” in {args.channel}: {len(r.upcoming)} meeting(s) in the "
                  f"next {service.config.duty.horizon_days} days")
            for o in r.upcoming[:10]:
                who = o.facilitator or "no facilitator"
                print(f"  {_plain('{t:' + o.start.isoformat() + '}', tz)} – {who}")
        return 0

    return _run_with_service(run)


def cmd_list(args: argparse.Namespace) -> int:
    from cocbot.storage import duty as duty_q

    async def run(service: Any) -> int:
        async with service.db.transaction() as session:
            calls = await duty_q.list_calls(session)
        up = await service.upcoming()
        if not calls:
            print("no calls; import one with: cocbot calls import FILE.ics --channel C…")
        for c in calls:
            rot = ", ".join(c.rotation) or "none"
            print(f"{c.id}: “{c.name}” in {c.channel} (rotation: {rot})")
            for o in [o for o in up.occurrences if o.call_id == c.id][:5]:
                print(f"    {_plain('{t:' + o.start.isoformat() + '}', service.timezone)} – "
                      f"{o.facilitator or 'no facilitator'}")
        return 0

    return _run_with_service(run)


def cmd_assign(args: argparse.Namespace) -> int:
    if not USER_ID.match(args.user):
        print(f"{args.user!r} is not a Slack user id (like U0123ABCD)", file=sys.stderr)
        return 2

    async def run(service: Any) -> int:
        reply = await service.assign(args.call, args.when, args.user)
        print(_plain(reply.text, service.timezone), file=sys.stdout if reply.ok else sys.stderr)
        return 0 if reply.ok else 2

    return _run_with_service(run)


def cmd_remove(args: argparse.Namespace) -> int:
    from cocbot.storage import duty as duty_q

    async def run(service: Any) -> int:
        async with service.db.transaction() as session:
            call = await duty_q.get_call(session, args.call)
            if call is None:
                print(f"there is no call {args.call}", file=sys.stderr)
                return 2
            await duty_q.delete_call(session, args.call)
        # Its pending announcements find no meeting when they fall due and are skipped.
        print(f"removed call {args.call} “{call.name}”")
        return 0

    return _run_with_service(run)


def add_calls_commands(sub: Any) -> None:
    calls = sub.add_parser("calls", help="community calls with an on-duty facilitator (from .ics calendars)")
    calls_sub = calls.add_subparsers(dest="calls_command", required=True)
    imp = calls_sub.add_parser("import", help="import or update calls from an .ics file (recurrence and "
                                              "exceptions included); re-importing the same file updates them")
    imp.add_argument("file", help="the .ics file, e.g. exported from Google Calendar or Outlook")
    imp.add_argument("--channel", required=True, help="id of the channel where the call's chat happens (C…)")
    imp.add_argument("--rotation", help="facilitators taking turns, meeting by meeting: U…,U…")
    imp.set_defaults(func=cmd_import)
    lst = calls_sub.add_parser("list", help="list calls and their next meetings")
    lst.set_defaults(func=cmd_list)
    asg = calls_sub.add_parser("assign", help="name the facilitator for one meeting")
    asg.add_argument("call", type=int, help="call number from `cocbot calls list`")
    asg.add_argument("when", help="the meeting's start, like '2026-03-10 17:00' (duty time zone)")
    asg.add_argument("user", help="Slack user id of the facilitator")
    asg.set_defaults(func=cmd_assign)
    rm = calls_sub.add_parser("remove", help="remove a call and stop its announcements")
    rm.add_argument("call", type=int, help="the number `cocbot calls list` shows for the call")
    rm.set_defaults(func=cmd_remove)
