"""`cocbot transparency --from 2026-01-01 --to 2026-12-31 [--format markdown|csv|json]`: the figures, from
the statistics rows (live cases are brought up to date first), small counts hidden. Reads the community
config (COCBOT_CONFIG) for `transparency.min_count` and the promises."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from typing import Any


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def add_transparency_command(sub: Any) -> None:
    from cocbot.bot.transparency.render import FORMATS

    parser = sub.add_parser("transparency", help="aggregate figures for a transparency report (no references, "
                                                 "names, ids or days; small counts hidden)")
    parser.add_argument("--from", dest="first", required=True, type=_date, metavar="YYYY-MM-DD",
                        help="first day of the period (counted by whole months)")
    parser.add_argument("--to", dest="last", required=True, type=_date, metavar="YYYY-MM-DD",
                        help="last day of the period (counted by whole months)")
    parser.add_argument("--format", default="markdown", choices=FORMATS, help="default: markdown")
    parser.set_defaults(func=cmd_transparency)


def cmd_transparency(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import Failed, run_or_say, with_database
    from cocbot.bot.config.community import ConfigError, load_config
    from cocbot.bot.config.settings import config_path_from
    from cocbot.bot.i18n import english, translator
    from cocbot.bot.transparency import render, texts
    from cocbot.bot.transparency.service import figures

    tr = english()
    if args.first > args.last:
        print(texts.bad_period(tr), file=sys.stderr)
        return 2
    try:
        config = load_config(config_path_from(os.environ))
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    tr = translator(config.community.language)  # a report for the community, in its language

    found = run_or_say(with_database(lambda db: figures(db, config, args.first, args.last, tr)),
                       "cocbot could not compute the figures")
    if isinstance(found, Failed):
        return found.status
    sys.stdout.write(render.render(tr, found, args.format, config.community.name))
    return 0
