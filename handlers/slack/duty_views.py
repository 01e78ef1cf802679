"""Slack rendering for /onduty replies and the App Home.

The domain marks people, channels and times as `{u:…}`, `{c:…}`, `{t:…}`; here the text is escaped
first and only then are those turned into mentions, channel links and `<!date^…>` tokens, so Slack
shows every time in the reader's own time zone and nothing typed by anyone can ping or link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cocbot.bot.i18n import english
from cocbot.handlers.slack.transparency_views import home_button
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty import roster
from cocbot.bot.duty import texts as duty_texts
from cocbot.bot.duty.home import HomeModel
from cocbot.handlers.slack import blocks as kit
from cocbot.handlers.slack.blocks import (
    CHANNEL_ID, SAFE_URL, USER_ID, VIEW_BLOCK_LIMIT, clip, context, escape, header, section,
)

_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def date_token(at: datetime, config: CommunityConfig, *, fmt: str = "{date_short_pretty} {time}") -> str:
    """`<!date^…>`: Slack shows it in each reader's zone; the fallback uses the community's zone."""
    local = at.astimezone(ZoneInfo(roster.duty_timezone(config)))
    return kit.date_token(at, fmt, fallback=f"{local:%Y-%m-%d %H:%M} {local.tzname()}")


def mrkdwn(text: str, config: CommunityConfig) -> str:
    def sub(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        if kind == "u" and USER_ID.match(value):
            return f"<@{value}>"
        if kind == "c" and CHANNEL_ID.match(value):
            return f"<#{value}>"
        if kind == "t":
            try:
                return date_token(datetime.fromisoformat(value), config)
            except ValueError:
                pass
        return value

    return _PLACEHOLDER.sub(sub, escape(text))


def _who(entry: roster.Entry) -> str:
    return f"<@{entry.facilitator}>" if entry.facilitator and USER_ID.match(entry.facilitator) else "_nobody named_"


def _what(entry: roster.Entry) -> str:
    if isinstance(entry, roster.Occurrence):
        return f"{escape(entry.call_name)} in <#{entry.channel}>"
    return "every channel" if entry.all_channels else ", ".join(f"<#{c}>" for c in sorted(entry.channels))


def _line(entry: roster.Entry, config: CommunityConfig, *, with_where: bool = True) -> str:
    where = f" — {_what(entry)}" if with_where else (
        f" — {escape(entry.call_name)}" if isinstance(entry, roster.Occurrence) else "")
    until = date_token(entry.end, config, fmt="{time}")
    return f"• {_who(entry)}{where}, {date_token(entry.start, config)} until {until}"


def _bypass(config: CommunityConfig) -> list[dict[str, Any]]:
    link = config.community.code_of_conduct_url
    extra = f" · <{link}|Code of Conduct>" if link and SAFE_URL.match(link) else ""
    return [context(escape(duty_texts.BYPASS) + extra)]


def status_message(st: roster.Status, config: CommunityConfig) -> tuple[str, list[dict[str, Any]]]:
    """The /onduty answer: who is on duty here now, until when, who is next, and the bypass."""
    blocks: list[dict[str, Any]] = []
    named = [e for e in st.now if e.facilitator]
    for e in st.now:
        if isinstance(e, roster.Occurrence) and not e.facilitator:
            blocks.append(section(f"*{escape(e.call_name)}* is under way until {date_token(e.end, config)} "
                                   "without a named facilitator."))
    if named:
        lines = []
        for e in named:
            label = f" (facilitator for {escape(e.call_name)})" if isinstance(e, roster.Occurrence) else ""
            if isinstance(e, roster.Shift) and e.all_channels:
                label = " (covering every channel)"
            lines.append(f"{_who(e)}{label} until {date_token(e.end, config)}")
        blocks.append(section("*On duty here now:* " + "; ".join(lines)))
        blocks.append(section("Send them a direct message to talk privately, or use /report to reach the "
                               "Code of Conduct committee."))
        summary = "On duty here now: " + ", ".join(f"<@{e.facilitator}>" for e in named)
    else:
        blocks.append(section("*Nobody is on duty in this channel right now.* You can always reach the Code "
                               "of Conduct committee privately with /report."))
        summary = "Nobody is on duty here right now; use /report to reach the committee"
    if st.next is not None:
        n = st.next
        blocks.append(section(f"*Next:* {_who(n)} from {date_token(n.start, config)} until "
                               f"{date_token(n.end, config)}"
                               + (f" ({escape(n.call_name)})" if isinstance(n, roster.Occurrence) else "")))
    blocks += safety_status_blocks(st, config)
    blocks += _bypass(config)
    return summary, blocks


def reply_message(text: str, config: CommunityConfig, *, ok: bool) -> tuple[str, list[dict[str, Any]]]:
    body = mrkdwn(text, config)
    blocks = [section(("" if ok else ":warning: ") + body)]
    return clip(escape(_PLACEHOLDER.sub(lambda m: m.group(2) if m.group(1) != "t" else "", text)), 300), blocks


HELP = (
    "*/onduty* — who is on duty in this channel, until when, and who is next.\n"
    "For facilitators:\n"
    "• `/onduty take [2h] [#channel… | all]` — start a shift now (here, unless you name channels)\n"
    "• `/onduty off` — end your shift now\n"
    "• `/onduty handover @someone` — hand your duty in this channel to another facilitator\n"
    "• `/onduty schedule @someone [#channel… | all] 2026-03-05 14:00 16:00` — plan a shift "
    "(times in your Slack time zone; the end may be a duration like 2h; also `today 14:00`, `tomorrow 9:30`)\n"
    "• `/onduty list` — upcoming shifts and calls · `/onduty cancel 12` — cancel shift #12"
)


def help_message(config: CommunityConfig, problem: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    blocks = []
    if problem:
        blocks.append(section(":warning: " + mrkdwn(problem, config)))
    blocks.append(section(HELP))
    blocks += _bypass(config)
    return ("How to use /onduty" if not problem else clip(escape(problem), 300)), blocks


def list_message(shifts: Sequence[roster.Shift], occurrences: Sequence[roster.Occurrence], now: datetime,
                 config: CommunityConfig) -> tuple[str, list[dict[str, Any]]]:
    shifts = [s for s in shifts if s.end > now]
    occurrences = [o for o in occurrences if o.end > now]
    blocks: list[dict[str, Any]] = [section(f"*Shifts and calls in the next {config.duty.horizon_days} days*")]
    if shifts:
        lines = [f"`#{s.id}` " + _line(s, config)[2:] for s in shifts[:40]]
        blocks.append(section("*Shifts*\n" + "\n".join(lines)))
    if occurrences:
        blocks.append(section("*Calls*\n" + "\n".join(_line(o, config) for o in occurrences[:40])))
    if not shifts and not occurrences:
        blocks.append(section("Nothing is scheduled. Start a shift with `/onduty take` or plan one with "
                               "`/onduty schedule`."))
    return f"{len(shifts)} shift(s) and {len(occurrences)} call(s) coming up", blocks


def home_view(model: HomeModel, config: CommunityConfig) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        header("Code of Conduct"),
        section(f"To report a concern privately to the Code of Conduct committee of "
                 f"{escape(config.community.name)}, type */report* in any channel, or use the *Report message* "
                 "shortcut on a message. You can exclude anyone from seeing your report, including any facilitator."),
    ]
    if config.community.code_of_conduct_url and SAFE_URL.match(config.community.code_of_conduct_url):
        blocks.append(section(f"<{config.community.code_of_conduct_url}|Read the Code of Conduct>"))
    blocks += [{"type": "divider"}, header("On duty now")]
    if model.on_duty:
        blocks.append(section("\n".join(_line(e, config) for e in model.on_duty[:20])))
    else:
        blocks.append(section("Nobody is on duty right now. The committee is always reachable with /report."))
    if model.next_up:
        blocks.append(context("Next: " + "; ".join(
            f"{_who(e)} — {_what(e)} from {date_token(e.start, config)}" for e in model.next_up[:5])))
    if model.my_upcoming is not None:
        blocks += [{"type": "divider"}, header("Your shifts")]
        if model.my_upcoming:
            blocks.append(section("\n".join(_line(e, config) for e in model.my_upcoming)))
        else:
            blocks.append(section("You have no shifts or calls coming up. Start one with `/onduty take` in a "
                                   "channel, or plan one with `/onduty schedule`."))
    if model.committee is not None:
        c = model.committee
        blocks += [{"type": "divider"}, header("Committee"),
                   section(f"*{c.open_count}* open report(s) you can see; *{c.unacknowledged}* not yet "
                            "acknowledged.")]
        if c.deadlines:
            lines = []
            for d in c.deadlines[:20]:
                verb = "was due" if d.past else "due"
                flag = ":red_circle:" if d.past else ":large_orange_circle:"
                lines.append(f"{flag} {escape(d.ref)}: {d.which} {verb} {date_token(d.due, config)}")
            blocks.append(section("*Near or past a deadline*\n" + "\n".join(lines)))
        else:
            blocks.append(context("No deadline is near."))
        blocks.append(context("References only: open each report in its private space. Reports you are "
                               "implicated in or excluded from are not counted here."))
        blocks += home_button(english())
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}


def safety_status_blocks(st: roster.Status, config: CommunityConfig) -> list[dict[str, Any]]:
    """The emergency contacts for this channel and the calls under way in it, under the /onduty answer."""
    from cocbot.bot.i18n import english
    from cocbot.bot.safety import texts as safety_texts

    calls = tuple(e.call_name for e in st.now if isinstance(e, roster.Occurrence))
    resources = safety_texts.resources_for(config, channels=(st.channel,), calls=calls)
    if not resources:
        return []
    lines = "\n".join(f"• *{escape(r.name)}*: {escape(r.reach)}" for r in resources)
    return [section(f"*{escape(safety_texts.resources_heading(english()))}*\n{lines}")]
