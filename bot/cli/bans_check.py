"""`cocbot bans check registrations.csv`: the matches between a sign-up list and the bans in force.

Emails are resolved to Slack accounts with users.lookupByEmail when SLACK_BOT_TOKEN is set and may ask
(users:read.email); Slack ids and forum usernames are linked through discourse.identities. Prints each
match's row, the case's reference and the ban's end — nothing else about the case.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cocbot.bot.bans import check


def run_check(file: str) -> int:
    from cocbot.bot.cli.database import Failed, run_or_say

    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"cocbot could not read {file}: {exc.strerror}", file=sys.stderr)
        return 2
    checked = run_or_say(_check(text, datetime.now(timezone.utc)), "cocbot could not check the list")
    if isinstance(checked, Failed):
        return checked.status
    lines, listed, looked_up = checked
    for line in lines:
        print(line)
    print(f"{len(lines)} match(es) among {listed} entr{'y' if listed == 1 else 'ies'} checked against the bans "
          "in force." + ("" if looked_up else " Emails were not looked up in Slack (no SLACK_BOT_TOKEN, or it "
                                                "lacks users:read.email); only Slack ids and usernames matched."))
    return 0


async def _check(text: str, now: datetime) -> tuple[list[str], int, bool]:
    from cocbot.bot.cli.database import command_settings, with_database
    from cocbot.bot.config.community import load_config, parse_config
    from cocbot.storage import bans as bans_q

    settings = command_settings()
    config = load_config(settings.config_path) if settings.config_path.is_file() else \
        parse_config({"committee": {"members": ["U0NONE"], "channel": "C0NONE", "escalation_contact": "U0NONE"}})

    async def in_force(db: Any) -> list[Any]:
        async with db.transaction() as session:
            return [b for b in await bans_q.in_force(session, now)]

    bans = await with_database(in_force, settings)
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
