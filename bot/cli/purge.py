"""`cocbot purge [--dry-run]`: run the retention purge now, or list what it would remove.

Runs against the bot's database and community config (DATABASE_URL, COCBOT_CONTENT_KEYS, COCBOT_CONFIG),
with the same rules as the bot's own daily purge (bot/retention/). Lists references and dates only. The
deletions on Slack or Discourse are queued in the outbox; the running bot sends them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def add_purge_command(sub: Any) -> None:
    purge = sub.add_parser("purge", help="delete what the retention periods in the config no longer keep "
                                         "(--dry-run: only list it, by reference and date)")
    purge.add_argument("--dry-run", action="store_true", help="list what would be purged; delete nothing")
    purge.set_defaults(func=cmd_purge)


def cmd_purge(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import describe_failure
    from cocbot.bot.config.community import ConfigError

    try:
        lines = asyncio.run(_purge(dry_run=bool(args.dry_run)))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # a missing or unreachable database, a missing key: say what, not a traceback
        message, status = describe_failure(exc)
        print(f"cocbot could not purge: {message}", file=sys.stderr)
        return status
    print("\n".join(lines))
    return 0


async def _purge(*, dry_run: bool) -> list[str]:
    from cocbot.bot.cli.database import command_settings, open_database
    from cocbot.bot.clock import SystemClock
    from cocbot.bot.config.community import load_config
    from cocbot.bot.i18n import english
    from cocbot.bot.retention import texts
    from cocbot.bot.runtime.purge import build_purge

    settings = command_settings(require_config=True)
    config = load_config(settings.config_path)
    db = open_database(settings)
    tr, clock = english(), SystemClock()
    try:
        await db.create_schema()
        purge = build_purge(db, config, clock)
        if dry_run:
            due = await purge.dry_run()
            if not due:
                return [texts.nothing_due(tr, clock.now())]
            return [texts.due_line(tr, part, d) for part, d in due] + [texts.dry_run_total(tr, len(due))]
        result = await purge.run()
        if not result.total:
            return [texts.nothing_due(tr, clock.now())]
        return [texts.purged(tr, result.counts, result.deletions_queued)]
    finally:
        await db.dispose()
