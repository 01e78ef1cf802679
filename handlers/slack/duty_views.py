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
from cocbot.bot.i18n import N_, Translator
from cocbot.bot.i18n.formatting import items
from cocbot.bot.i18n.phrases import localized
from cocbot.handlers.slack import blocks as kit
from cocbot.handlers.slack.blocks import (
    CHANNEL_ID, SAFE_URL, USER_ID, VIEW_BLOCK_LIMIT, clip, context, escape, header, section,
)

_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def date_token(at: datetime, config: CommunityConfig, *, fmt: str = "{date_short_pretty} {time}") -> str:
    """`<!date^…>`: Slack shows it in each reader's zone and language; the fallback uses the community's
    zone."""
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


def _who(entry: roster.Entry, tr: Translator) -> str:
    if entry.facilitator and USER_ID.match(entry.facilitator):
        return f"<@{entry.facilitator}>"
    return "_" + escape(tr.gettext("nobody named")) + "_"


def _what(entry: roster.Entry, tr: Translator) -> str:
    if isinstance(entry, roster.Occurrence):
        return tr.gettext("%(call)s in %(channel)s") % {"call": escape(entry.call_name),
                                                        "channel": f"<#{entry.channel}>"}
    if entry.all_channels:
        return escape(tr.gettext("every channel"))
    return items([f"<#{c}>" for c in sorted(entry.channels)], tr)


def _line(entry: roster.Entry, config: CommunityConfig, tr: Translator, *, with_where: bool = True) -> str:
    values = {"who": _who(entry, tr), "start": date_token(entry.start, config),
              "end": date_token(entry.end, config, fmt="{time}")}
    if with_where:
        values["where"] = _what(entry, tr)
        return "• " + tr.gettext("%(who)s — %(where)s, %(start)s until %(end)s") % values
    if isinstance(entry, roster.Occurrence):
        values["where"] = escape(entry.call_name)
        return "• " + tr.gettext("%(who)s — %(where)s, %(start)s until %(end)s") % values
    return "• " + tr.gettext("%(who)s, %(start)s until %(end)s") % values


def _bypass(config: CommunityConfig, tr: Translator) -> list[dict[str, Any]]:
    link = config.community.code_of_conduct_url
    label = escape(tr.gettext("Code of Conduct"))
    extra = f" · <{link}|{label}>" if link and SAFE_URL.match(link) else ""
    return [context(escape(tr.gettext(duty_texts.BYPASS)) + extra)]


def status_message(st: roster.Status, config: CommunityConfig,
                   tr: Translator = english()) -> tuple[str, list[dict[str, Any]]]:
    """The /onduty answer: who is on duty here now, until when, who is next, and the bypass."""
    blocks: list[dict[str, Any]] = []
    named = [e for e in st.now if e.facilitator]
    for e in st.now:
        if isinstance(e, roster.Occurrence) and not e.facilitator:
            blocks.append(section(tr.gettext("*%(call)s* is under way until %(end)s without a named facilitator.")
                                  % {"call": escape(e.call_name), "end": date_token(e.end, config)}))
    if named:
        lines = []
        for e in named:
            values = {"who": _who(e, tr), "end": date_token(e.end, config)}
            if isinstance(e, roster.Occurrence):
                values["call"] = escape(e.call_name)
                lines.append(tr.gettext("%(who)s (facilitator for %(call)s) until %(end)s") % values)
            elif isinstance(e, roster.Shift) and e.all_channels:
                lines.append(tr.gettext("%(who)s (covering every channel) until %(end)s") % values)
            else:
                lines.append(tr.gettext("%(who)s until %(end)s") % values)
        blocks.append(section(tr.gettext("*On duty here now:* %(people)s") % {"people": "; ".join(lines)}))
        blocks.append(section(tr.gettext("Send them a direct message to talk privately, or use /report to reach the "
                                         "Code of Conduct committee.")))
        summary = tr.gettext("On duty here now: %(people)s") % {
            "people": items([f"<@{e.facilitator}>" for e in named], tr)}
    else:
        blocks.append(section(tr.gettext("*Nobody is on duty in this channel right now.* You can always reach the "
                                         "Code of Conduct committee privately with /report.")))
        summary = tr.gettext("Nobody is on duty here right now; use /report to reach the committee")
    if st.next is not None:
        n = st.next
        values = {"who": _who(n, tr), "start": date_token(n.start, config), "end": date_token(n.end, config)}
        if isinstance(n, roster.Occurrence):
            values["call"] = escape(n.call_name)
            blocks.append(section(tr.gettext("*Next:* %(who)s from %(start)s until %(end)s (%(call)s)") % values))
        else:
            blocks.append(section(tr.gettext("*Next:* %(who)s from %(start)s until %(end)s") % values))
    blocks += safety_status_blocks(st, config, tr)
    blocks += _bypass(config, tr)
    return summary, blocks


def reply_message(text: str, config: CommunityConfig, *, ok: bool,
                  tr: Translator = english()) -> tuple[str, list[dict[str, Any]]]:
    """A duty service reply: cocbot's own English words (a Phrase with its values), in `tr`'s language."""
    text = localized(tr, text)
    body = mrkdwn(text, config)
    blocks = [section(("" if ok else ":warning: ") + body)]
    return clip(escape(_PLACEHOLDER.sub(lambda m: m.group(2) if m.group(1) != "t" else "", text)), 300), blocks


HELP = N_(
    "*/onduty* — who is on duty in this channel, until when, and who is next.\n"
    "For facilitators:\n"
    "• `/onduty take [2h] [#channel… | all]` — start a shift now (here, unless you name channels)\n"
    "• `/onduty off` — end your shift now\n"
    "• `/onduty handover @someone` — hand your duty in this channel to another facilitator\n"
    "• `/onduty schedule @someone [#channel… | all] 2026-03-05 14:00 16:00` — plan a shift "
    "(times in your Slack time zone; the end may be a duration like 2h; also `today 14:00`, `tomorrow 9:30`)\n"
    "• `/onduty list` — upcoming shifts and calls · `/onduty cancel 12` — cancel shift #12"
)


def help_message(config: CommunityConfig, problem: str | None = None,
                 tr: Translator = english()) -> tuple[str, list[dict[str, Any]]]:
    blocks = []
    if problem:
        blocks.append(section(":warning: " + mrkdwn(problem, config)))
    blocks.append(section(tr.gettext(HELP)))
    blocks += _bypass(config, tr)
    return (tr.gettext("How to use /onduty") if not problem else clip(escape(problem), 300)), blocks


def list_message(shifts: Sequence[roster.Shift], occurrences: Sequence[roster.Occurrence], now: datetime,
                 config: CommunityConfig, tr: Translator = english()) -> tuple[str, list[dict[str, Any]]]:
    shifts = [s for s in shifts if s.end > now]
    occurrences = [o for o in occurrences if o.end > now]
    horizon = config.duty.horizon_days
    blocks: list[dict[str, Any]] = [section(
        tr.ngettext("*Shifts and calls in the next %(n)d day*", "*Shifts and calls in the next %(n)d days*", horizon)
        % {"n": horizon})]
    if shifts:
        lines = [f"`#{s.id}` " + _line(s, config, tr)[2:] for s in shifts[:40]]
        blocks.append(section("*" + tr.gettext("Shifts") + "*\n" + "\n".join(lines)))
    if occurrences:
        blocks.append(section("*" + tr.gettext("Calls") + "*\n" + "\n".join(_line(o, config, tr)
                                                                              for o in occurrences[:40])))
    if not shifts and not occurrences:
        blocks.append(section(tr.gettext("Nothing is scheduled. Start a shift with `/onduty take` or plan one with "
                                         "`/onduty schedule`.")))
    shift_count = tr.ngettext("%(n)d shift", "%(n)d shifts", len(shifts)) % {"n": len(shifts)}
    call_count = tr.ngettext("%(n)d call", "%(n)d calls", len(occurrences)) % {"n": len(occurrences)}
    return tr.gettext("%(shifts)s and %(calls)s coming up") % {"shifts": shift_count, "calls": call_count}, blocks


def home_view(model: HomeModel, config: CommunityConfig, tr: Translator = english()) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        header(tr.gettext("Code of Conduct")),
        section(tr.gettext("To report a concern privately to the Code of Conduct committee of %(community)s, type "
                           "*/report* in any channel, or use the *Report message* shortcut on a message. You can "
                           "exclude anyone from seeing your report, including any facilitator.")
                % {"community": escape(config.community.name)}),
    ]
    if config.community.code_of_conduct_url and SAFE_URL.match(config.community.code_of_conduct_url):
        read = escape(tr.gettext("Read the Code of Conduct"))
        blocks.append(section(f"<{config.community.code_of_conduct_url}|{read}>"))
    blocks += [{"type": "divider"}, header(tr.gettext("On duty now"))]
    if model.on_duty:
        blocks.append(section("\n".join(_line(e, config, tr) for e in model.on_duty[:20])))
    else:
        blocks.append(section(tr.gettext("Nobody is on duty right now. The committee is always reachable with "
                                         "/report.")))
    if model.next_up:
        blocks.append(context(tr.gettext("Next: %(entries)s") % {"entries": "; ".join(
            tr.gettext("%(who)s — %(where)s from %(start)s") % {"who": _who(e, tr), "where": _what(e, tr),
                                                                "start": date_token(e.start, config)}
            for e in model.next_up[:5])}))
    if model.my_upcoming is not None:
        blocks += [{"type": "divider"}, header(tr.gettext("Your shifts"))]
        if model.my_upcoming:
            blocks.append(section("\n".join(_line(e, config, tr) for e in model.my_upcoming)))
        else:
            blocks.append(section(tr.gettext("You have no shifts or calls coming up. Start one with `/onduty take` "
                                             "in a channel, or plan one with `/onduty schedule`.")))
    if model.committee is not None:
        c = model.committee
        open_reports = tr.ngettext("*%(n)d* open report you can see", "*%(n)d* open reports you can see",
                                   c.open_count) % {"n": c.open_count}
        unacknowledged = tr.ngettext("*%(n)d* not yet acknowledged.", "*%(n)d* not yet acknowledged.",
                                     c.unacknowledged) % {"n": c.unacknowledged}
        blocks += [{"type": "divider"}, header(tr.gettext("Committee")),
                   section(tr.gettext("%(open)s; %(unacknowledged)s") % {"open": open_reports,
                                                                          "unacknowledged": unacknowledged})]
        if c.deadlines:
            lines = []
            for d in c.deadlines[:20]:
                values = {"ref": escape(d.ref), "when": date_token(d.due, config)}
                flag = ":red_circle:" if d.past else ":large_orange_circle:"
                lines.append(flag + " " + tr.gettext(_DEADLINE_LINES[(d.which, d.past)]) % values)
            blocks.append(section("*" + tr.gettext("Near or past a deadline") + "*\n" + "\n".join(lines)))
        else:
            blocks.append(context(tr.gettext("No deadline is near.")))
        blocks.append(context(tr.gettext("References only: open each report in its private space. Reports you are "
                                         "implicated in or excluded from are not counted here.")))
        blocks += home_button(tr)
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}


def safety_status_blocks(st: roster.Status, config: CommunityConfig,
                         tr: Translator | None = None) -> list[dict[str, Any]]:
    """The emergency contacts for this channel and the calls under way in it, under the /onduty answer."""
    from cocbot.bot.safety import texts as safety_texts

    calls = tuple(e.call_name for e in st.now if isinstance(e, roster.Occurrence))
    resources = safety_texts.resources_for(config, channels=(st.channel,), calls=calls)
    if not resources:
        return []
    lines = "\n".join(f"• *{escape(r.name)}*: {escape(r.reach)}" for r in resources)
    return [section(f"*{escape(safety_texts.resources_heading(tr or english()))}*\n{lines}")]


_DEADLINE_LINES = {
    ("acknowledge", True): N_("%(ref)s: acknowledgement was due %(when)s"),
    ("acknowledge", False): N_("%(ref)s: acknowledgement due %(when)s"),
    ("respond", True): N_("%(ref)s: response was due %(when)s"),
    ("respond", False): N_("%(ref)s: response due %(when)s"),
}
