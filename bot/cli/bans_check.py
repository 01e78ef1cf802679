"""`cocbot bans check registrations.csv`: the matches between a sign-up list and the bans in force.

Emails are resolved to Slack accounts with users.lookupByEmail when SLACK_BOT_TOKEN is set and may ask
(users:read.email); Slack ids and forum usernames are linked through discourse.identities. Prints each
match's row, the case's reference and the ban's end — nothing else about the case.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from cocbot.bot.bans import check


def run_check(file: str) -> int:
    from cocbot.bot.cli.database import describe_failure

    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"cocbot could not read {file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        lines, listed, looked_up = asyncio.run(_check(text, datetime.now(timezone.utc)))
    except Exception as exc:  # a missing database or config, a missing key: say what, not a traceback
        message, status = describe_failure(exc)
        print(f"cocbot could not check the list: {message}", file=sys.stderr)
        return status
    for line in lines:
        print(line)
    print(f"{len(lines)} match(es) among {listed} entr{'y' if listed == 1 else 'ies'} checked against the bans "
          "in force." + ("" if looked_up else " Emails were not looked up in Slack (no SLACK_BOT_TOKEN, or it "
                                                "lacks users:read.email); only Slack ids and usernames matched."))
    return 0


async def _check(text: str, now: datetime) -> tuple[list[str], int, bool]:
    from cocbot.bot.cli.database import command_settings, open_database
    from cocbot.bot.config.community import load_config, parse_config
    from cocbot.storage import bans as bans_q

    settings = command_settings()
    config = load_config(settings.config_path) if settings.config_path.is_file() else \
        parse_config({"committee": {"members": ["U0NONE"], "channel": "C0NONE", "escalation_contact": "U0NONE"}})
    db = open_database(settings)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            bans = [b for b in await bans_q.in_force(session, now)]
    finally:
        await db.dispose()
    listed = check.entries(text)
    http = None
    tools = None
    try:
        if settings.slack_bot_token:
            import aiohttp

            from cocbot.handlers.slack.app import build_web_client
            from cocbot.handlers.slack.bans import SlackBanTools

            http = aiohttp.ClientSession()
            tools = SlackBanTools(build_web_client(settings.slack_bot_token, settings.slack_api_url, http))
        found = await check.matches(listed, bans, config, tools.user_by_email if tools is not None else None)
    finally:
        if http is not None:
            await http.close()
    return [check.describe(m) for m in found], len(listed), tools is not None and not tools.email_lookup_refused
