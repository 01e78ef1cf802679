"""`cocbot earlier reindex`: add the reports stored before the people index existed (or before the content
keys changed) to it, so they are found as earlier cases and by held reports. Safe to run again."""

from __future__ import annotations

import argparse
from typing import Any

from cocbot.bot.config.community import load_config


def add_earlier_commands(sub: Any) -> None:
    earlier = sub.add_parser("earlier", help="earlier cases").add_subparsers(dest="earlier_command", required=True)
    reindex = earlier.add_parser("reindex", help="index who every stored report names (keyed hashes, never "
                                                 "names), for earlier cases and held reports")
    reindex.set_defaults(func=cmd_reindex)


def cmd_reindex(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import Failed, run_or_say

    count = run_or_say(_reindex(), "cocbot could not index the reports", config_errors=True)
    if isinstance(count, Failed):
        return count.status
    print(f"Indexed {count} report(s).")
    return 0


async def reindex(db: Any, config: Any, *, batch: int = 500) -> int:
    """Index every stored report's people under the current key; returns how many reports were read."""
    from sqlalchemy import select
    from sqlmodel import col

    from cocbot.bot.earlier.service import index, is_hidden_ended
    from cocbot.storage import reports as reports_q
    from cocbot.storage.models import Report

    done, last = 0, 0
    while True:
        async with db.transaction() as session:
            ids = (await session.execute(select(col(Report.id)).where(col(Report.id) > last)
                                         .order_by(col(Report.id)).limit(batch))).scalars().all()
            if not ids:
                return done
            for report in (await reports_q.get_reports(session, set(ids))).values():
                if await is_hidden_ended(session, report.id):
                    continue  # a withdrawn or expired held report keeps no entries
                await index(session, report, config)
        done, last = done + len(ids), ids[-1]


async def _reindex() -> int:
    from cocbot.bot.cli.database import command_settings, with_database

    settings = command_settings()
    config = load_config(settings.config_path)
    return await with_database(lambda db: reindex(db, config), settings)
