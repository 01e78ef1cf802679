"""`cocbot init`: a starting community config, copied from the example the package ships."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from cocbot.bot.config.settings import config_path_from

EXAMPLES = {False: "cocbot.example.yml", True: "cocbot.discourse.example.yml"}


def example_config(discourse_only: bool = False) -> Path:
    """The packaged example: the examples are data of the `cocbot` namespace, one level above bot/ both in a
    checkout (the repository root) and in an installed wheel (site-packages/cocbot)."""
    import cocbot.bot

    return Path(cocbot.bot.__file__).resolve().parents[1] / EXAMPLES[discourse_only]


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.config) if args.config else config_path_from(os.environ)
    source = example_config(args.discourse_only)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"cocbot init: the example config is missing from this installation ({source}: "
              f"{exc.strerror or exc})", file=sys.stderr)
        return 1
    try:
        # Exclusive creation: an operator's edited config is never replaced, even if it appears meanwhile.
        with target.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        print(f"cocbot init: {target} already exists; nothing was written (move it away or name another file)",
              file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cocbot init: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    ids = "forum usernames, URLs and secrets" if args.discourse_only else "Slack channel and user ids"
    print(f"wrote {target} from {source.name}. Replace the example {ids} with your own, then check it with "
          f"`cocbot check-config {target}` (cocbot refuses to run while example values remain).")
    return 0


def add_init_command(sub: Any) -> None:
    init = sub.add_parser("init", help="write a starting community config (cocbot.yml) from the shipped example")
    init.add_argument("config", nargs="?", metavar="FILE",
                      help="where to write it (default: $COCBOT_CONFIG, else cocbot.yml); never overwritten")
    init.add_argument("--discourse-only", action="store_true",
                      help="the example for a community on Discourse alone (no Slack)")
    init.set_defaults(func=cmd_init)
