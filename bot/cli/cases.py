"""`cocbot case history R-0042` (the whole audit trail) and `cocbot case export R-0042 --to file.md` (the
case file for the committee's records). Run against the bot's database with the bot's settings; the export
needs COCBOT_CONTENT_KEYS when content is encrypted, and is recorded in the case's trail."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def add_case_commands(sub: Any) -> None:
    case = sub.add_parser("case", help="one case: its audit trail, or its case file")
    case_sub = case.add_subparsers(dest="case_command", required=True)
    history = case_sub.add_parser("history", help="every step recorded for a case (no content)")
    history.add_argument("ref", help="the report's reference, e.g. R-0042")
    history.set_defaults(func=cmd_case_history)
    export = case_sub.add_parser("export", help="write the whole case as Markdown (recorded in its trail)")
    export.add_argument("ref", help="the report's reference, e.g. R-0042")
    export.add_argument("--to", required=True, type=Path, metavar="FILE", help="the Markdown file to write")
    export.set_defaults(func=cmd_case_export)


def cmd_case_history(args: argparse.Namespace) -> int:
    from cocbot.bot.audit.export import Refused, case_history, history_lines
    from cocbot.bot.cli.database import Failed, run_or_say, with_database

    ref = str(args.ref).upper()
    found = run_or_say(with_database(lambda db: case_history(db, ref)), "cocbot could not read the history")
    if isinstance(found, Failed):
        return found.status
    if isinstance(found, Refused):
        print(found.message, file=sys.stderr)
        return 1
    print("\n".join(history_lines(found)))
    return 0


def cmd_case_export(args: argparse.Namespace) -> int:
    from cocbot.bot.audit.export import Refused, export_case
    from cocbot.bot.cli.database import Failed, run_or_say, with_database

    ref = str(args.ref).upper()
    target: Path = args.to
    if not target.parent.is_dir():
        print(f"cocbot case export: {target.parent} is not a folder", file=sys.stderr)
        return 2
    found = run_or_say(with_database(lambda db: export_case(db, ref, datetime.now(timezone.utc))),
                       "cocbot could not export the case")
    if isinstance(found, Failed):
        return found.status
    if isinstance(found, Refused):
        print(found.message, file=sys.stderr)
        return 1
    # Only its owner may read the file: it holds the whole report.
    target.touch(mode=0o600, exist_ok=True)
    target.write_text(found, encoding="utf-8")
    print(f"{ref} written to {target}")
    return 0
