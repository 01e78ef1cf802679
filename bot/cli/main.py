"""`cocbot` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from cocbot.bot.config.community import ConfigError, load_config
from cocbot.bot.config.settings import SettingsError, check_platforms, config_path_from, load_settings


def _configure_logging(level: str, log_format: str = "text") -> None:
    from cocbot.bot.runtime.logs import log_handler

    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[log_handler(log_format)])
    # Bolt logs request bodies at DEBUG; keep report text out of logs even when debugging cocbot.
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, logging.getLogger().level))
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLogger().level))
    # Alembic narrates every start ("Context impl …"); cocbot logs what the schema step did instead.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    from aiohttp import web

    from cocbot.bot.runtime.app import create_web_app
    from cocbot.bot.runtime.eventloop import new_event_loop

    # Whether the Slack settings are needed depends on the config (a community may live on Discourse only),
    # so the config is read first; every problem with either is then shown in one go.
    config_path = config_path_from(os.environ)
    config = config_error = None
    if config_path.is_file():
        try:
            config = load_config(config_path)
            _refuse_example_values(config, config_path)
        except ConfigError as exc:
            config_error = exc
    try:
        settings = load_settings(uses_slack=config.uses_slack if config is not None else None)
        if config is not None:
            check_platforms(settings, uses_slack=config.uses_slack)
    except SettingsError as exc:
        print(exc.render(), file=sys.stderr)
        if config_error is not None:
            print(config_error.render(), file=sys.stderr)
        return 2
    if config_error is not None or config is None:
        print(config_error.render() if config_error else f"cocbot cannot start: no config at {config_path}",
              file=sys.stderr)
        return 2
    _configure_logging(args.log_level, settings.log_format)
    fatal: list[str] = []

    def stop(message: str) -> None:
        """Slack refused a token: nothing will work until the operator fixes it, so stop cleanly."""
        import asyncio

        if fatal:
            return
        fatal.append(message)

        def graceful_exit() -> None:
            raise web.GracefulExit()  # as on SIGTERM: run_app shuts down in order, then returns

        asyncio.get_running_loop().call_soon(graceful_exit)

    try:
        app = create_web_app(settings, config, on_fatal=stop)
        app.on_startup.append(_freeze_start_up_objects)  # after the runtime context: everything is built
        web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None,
                    loop=new_event_loop())
        if fatal:
            print(f"cocbot stopped: {fatal[0]}", file=sys.stderr)
            return 2
    except OSError as exc:
        print(f"cocbot could not start: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # e.g. the database is unreachable: say what, not a traceback
        print(f"cocbot could not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


async def _freeze_start_up_objects(app: object) -> None:
    """Modules, config, Bolt's listeners and SQLAlchemy's metadata live as long as the process; moving them
    out of the collector's reach keeps every later garbage collection from walking them again (those walks
    were the long pauses in /report's tail under load)."""
    import gc

    gc.collect()
    gc.freeze()


def _refuse_example_values(config: Any, path: Path | str) -> None:
    """A config still holding the example files' ids or secrets is not one to run (raises ConfigError)."""
    from cocbot.bot.config.placeholders import example_value_problems

    problems = example_value_problems(config)
    if problems:
        raise ConfigError(path, problems)


def cmd_check_config(args: argparse.Namespace) -> int:
    if not Path(args.config).is_file():  # not a problem with a config: there is none to check
        print(f"cocbot check-config: {args.config} does not exist (`cocbot init {args.config}` writes a starting "
              "config)", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
        _refuse_example_values(config, args.config)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    where = config.committee.channel if config.uses_slack else "private messages on Discourse (no Slack)"
    print(f"{args.config}: OK — committee of {len(config.committee.members)} in {where}")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from cocbot.storage.content import new_key

    print(new_key())
    return 0


def cmd_reseal(args: argparse.Namespace) -> int:
    """Rewrite every stored report under the first content key (after switching encryption on, or rotating)."""
    import asyncio

    from cocbot.bot.cli.database import CommandError, command_settings, describe_failure, open_database
    from cocbot.storage.content import ContentKeyError
    from cocbot.storage.reseal import reseal_all

    try:
        settings = command_settings()
        db = open_database(settings)
    except CommandError as exc:
        print(exc.message, file=sys.stderr)
        return 2

    async def run() -> dict[str, int]:
        try:
            await db.create_schema()
            return await reseal_all(db)
        finally:
            await db.dispose()

    try:
        counts = asyncio.run(run())
    except ContentKeyError as exc:
        print(f"cocbot content reseal: {exc}. Nothing after the first unreadable value was changed.",
              file=sys.stderr)
        return 1
    except Exception as exc:  # an unreachable database: say what, not a traceback
        message, status = describe_failure(exc)
        print(f"cocbot content reseal: {message}", file=sys.stderr)
        return status
    state = "encrypted under the first key of COCBOT_CONTENT_KEYS" if settings.content_keys else "plain JSON"
    print(f"resealed {sum(counts.values())} rows in {sum(1 for n in counts.values() if n)} tables; stored content "
          f"is now {state}")
    return 0


RUN_ENVIRONMENT = """\
environment:
  SLACK_BOT_TOKEN        bot token xoxb-… (unless the community is on Discourse only)
  SLACK_APP_TOKEN        app-level token xapp-…: Socket Mode (unset: HTTP mode)
  SLACK_SIGNING_SECRET   verifies HTTP requests (HTTP mode)
  SLACK_API_URL          Web API base URL (default: https://slack.com/api/)
  DATABASE_URL           sqlite:///path.db or postgresql://user@host/db (default: sqlite:///cocbot.sqlite3)
  COCBOT_CONFIG          the community config (default: cocbot.yml)
  HOST                   address to listen on (default: 0.0.0.0)
  PORT                   HTTP port: /slack/events, /healthz, /readyz, /metrics (default: 3000)
  COCBOT_METRICS_PORT    serve /metrics on this port instead (default: on PORT)
  COCBOT_METRICS_HOST    address the metrics port listens on (default: HOST)
  COCBOT_CONTENT_KEYS    keys from `cocbot keygen`, comma-separated: encrypt report content at rest
  COCBOT_LOG_FORMAT      text or json (one JSON object per line, with a request id) (default: text)
  COCBOT_EVENT_LOOP      asyncio to keep the standard event loop (default: uvloop where installed)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cocbot", description="Code of Conduct reporting bot")
    parser.add_argument("--version", action="version", version=f"cocbot {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    from cocbot.bot.runtime.logs import LOG_LEVELS

    run = sub.add_parser("run", help="start the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)",
                         epilog=RUN_ENVIRONMENT, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--log-level", default="INFO", type=str.upper, choices=LOG_LEVELS,
                     help="the least severe messages logged (default: INFO)")
    run.set_defaults(func=cmd_run)
    check = sub.add_parser("check-config", help="validate a community config file")
    check.add_argument("config", nargs="?", default="cocbot.yml", metavar="FILE",
                       help="the community config to check (default: cocbot.yml)")
    check.set_defaults(func=cmd_check_config)
    from cocbot.bot.cli.init import add_init_command

    add_init_command(sub)  # `cocbot init [FILE] [--discourse-only]`
    from cocbot.bot.cli.calls import add_calls_commands

    add_calls_commands(sub)  # `cocbot calls import FILE.ics --channel C…`
    from cocbot.bot.cli.bans import add_bans_command

    add_bans_command(sub)  # `cocbot bans [--all]`: recorded bans for review
    from cocbot.bot.cli.purge import add_purge_command

    add_purge_command(sub)  # `cocbot purge [--dry-run]`: the retention purge, now
    from cocbot.bot.cli.backup import add_backup_commands

    add_backup_commands(sub)  # `cocbot backup FILE`, `cocbot restore FILE [--force]`
    from cocbot.bot.cli.cases import add_case_commands
    from cocbot.bot.cli.committees import add_committee_commands
    from cocbot.bot.cli.transparency import add_transparency_command

    add_case_commands(sub)  # `cocbot case history R-0042`, `cocbot case export R-0042 --to FILE.md`
    add_committee_commands(sub)  # `cocbot committee history`
    add_transparency_command(sub)  # `cocbot transparency --from … --to … [--format …]`
    from cocbot.bot.cli.earlier import add_earlier_commands

    add_earlier_commands(sub)  # `cocbot earlier reindex`: the people index for earlier cases and holds
    _add_scenario_commands(sub)
    keygen = sub.add_parser("keygen", help="print a new key for COCBOT_CONTENT_KEYS (encryption at rest)")
    keygen.set_defaults(func=cmd_keygen)
    content = sub.add_parser("content", help="stored report content").add_subparsers(dest="content_command",
                                                                                  required=True)
    reseal = content.add_parser("reseal", help="rewrite all stored content under the first COCBOT_CONTENT_KEYS "
                                               "key (after switching encryption on or rotating keys)")
    reseal.set_defaults(func=cmd_reseal)
    return parser


def _version() -> str:
    """The installed distribution's version (pyproject.toml), so the two can never disagree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cocbot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def cmd_demo(args: argparse.Namespace) -> int:
    from cocbot.scenarios.simulator.format import ScenarioError
    from cocbot.scenarios.simulator.demo import list_stories, run_demo

    try:
        if args.list:
            return list_stories(sys.stdout, args.scenarios)
        return run_demo(args.stories, sys.stdout, short=args.short, directory=args.scenarios, ids=args.ids,
                        language=getattr(args, "lang", None))
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """`cocbot demo | head` closed the pipe: stop quietly, like other command-line tools."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def cmd_scenarios_check(args: argparse.Namespace) -> int:
    from cocbot.scenarios.simulator.format import ScenarioError
    from cocbot.scenarios.simulator.check import run_check

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    also = tuple(u for u in (args.also_in_committee_channel or "").split(",") if u.strip())
    try:
        return run_check(config, str(args.config), args.stories, sys.stdout, also_in_channel=also,
                         directory=args.scenarios)
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:  # exit 1 means "a leak was found": anything else must not look like one
        print(f"cocbot scenarios check: internal error, nothing was checked to the end ({type(exc).__name__}: "
              f"{exc}). This is a bug in cocbot; please report it.", file=sys.stderr)
        return 3


def _add_scenario_commands(sub: Any) -> None:
    demo = sub.add_parser("demo", help="see the whole product without Slack: replay the stories in scenarios/ "
                                       "and print what each person saw")
    demo.add_argument("stories", nargs="*", help="story file names (or a unique part of one); default: all")
    demo.add_argument("--list", action="store_true", help="list the stories and exit")
    demo.add_argument("--short", action="store_true", help="one line per thing a person saw")
    demo.add_argument("--ids", action="store_true",
                      help="show each form field's id (what a story's `submit: values:` names)")
    demo.add_argument("--scenarios", type=Path, metavar="DIR", help="stories from DIR instead of the shipped ones")
    demo.add_argument("--lang", metavar="LANG", help="replay with everyone, committee included, reading cocbot in "
                                                     "LANG (es, fr, pt_BR, de)")
    demo.set_defaults(func=cmd_demo)
    scenarios = sub.add_parser("scenarios", help="replay the stories in scenarios/ against your own config")
    scenarios_sub = scenarios.add_subparsers(dest="scenarios_command", required=True)
    check = scenarios_sub.add_parser(
        "check", help="report any path by which an implicated or excluded person would see a report; exit "
                      "status 0: none found, 1: a leak found, 2: usage or config error, 3: internal error")
    check.add_argument("--config", default="cocbot.yml", help="the community config (default: cocbot.yml)")
    check.add_argument("--also-in-committee-channel", metavar="U…,U…",
                       help="people besides the committee who are in the committee channel")
    check.add_argument("--scenarios", type=Path, metavar="DIR",
                       help="stories from DIR (e.g. your own) instead of the shipped ones")
    check.add_argument("stories", nargs="*", help="story file names (or a unique part of one); default: all")
    check.set_defaults(func=cmd_scenarios_check)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
