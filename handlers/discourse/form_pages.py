"""The report form's HTML: the page around it, its fields, the language switch and the pages a sender sees
after sending (received, held, refused). Every value shown is HTML-escaped (`e`)."""

from __future__ import annotations

import html
from typing import Any
from collections.abc import Mapping

from aiohttp import web

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.holds import texts as hold_texts
from cocbot.bot.i18n import LANGUAGES, Translator, accept_language, english, translator
from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, what_happens_next
from cocbot.handlers.discourse import csrf

CSS = """
:root { color-scheme: light; }
body { font: 1.05rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       background: #ffffff; margin: 0; }
main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
p.lead { margin-top: 0; }
label, legend { font-weight: 600; display: block; margin-bottom: .25rem; }
.field { margin: 1.25rem 0; }
.hint { color: #3d3d3d; font-size: .95rem; margin: .1rem 0 .4rem; }
input[type=text], textarea { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem;
       border: 2px solid #4a4a4a; border-radius: 4px; background: #fff; color: #1a1a1a; }
textarea { min-height: 10rem; }
fieldset { border: 2px solid #4a4a4a; border-radius: 4px; padding: .5rem 1rem 1rem; margin: 1.25rem 0; }
fieldset label { font-weight: 400; display: inline; }
.choice { margin: .35rem 0; }
input[type=radio], input[type=checkbox] { width: 1.15rem; height: 1.15rem; vertical-align: -.2rem; }
:focus-visible, input:focus, textarea:focus, button:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
button { font: inherit; font-weight: 600; color: #fff; background: #0b57d0; border: 0; border-radius: 4px;
         padding: .7rem 1.4rem; cursor: pointer; }
.error { color: #a30000; font-weight: 600; }
.errors { border: 3px solid #a30000; padding: .75rem 1rem; border-radius: 4px; }
.errors a { color: #a30000; }
.notice { border-left: 6px solid #0b57d0; padding: .5rem 1rem; background: #eef3fd; }
.danger { border-left: 6px solid #a30000; padding: .5rem 1rem; background: #fdeeee; font-weight: 600; }
"""

HEADERS = {
    "Cache-Control": "no-store",
    # The link is a credential: never send it on as a referrer, never embed the page, run no scripts.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}

def e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def language_of(request: web.Request, config: CommunityConfig, posted: Mapping[str, Any] | None = None) -> Translator:
    """The page's language: the switch (`?lang=`, kept in the form when sent), else the browser's
    Accept-Language, else the community's."""
    chosen = request.query.get("lang") or (str(posted.get("lang", "")) if posted is not None else "")
    if chosen:
        return translator(chosen)
    return translator(accept_language(request.headers.get("Accept-Language")) or config.community.language)


def _native_name(lang: str) -> str:
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def language_switch(path: str, tr: Translator) -> str:
    """Links to the same page in every language, each named in its own language."""
    links = " · ".join(
        f'<a href="{e(path)}?lang={e(lang)}" hreflang="{e(lang.replace("_", "-"))}" lang="{e(lang.replace("_", "-"))}"'
        + (' aria-current="true"' if lang == tr.locale else "") + f">{e(_native_name(lang))}</a>"
        for lang in LANGUAGES)
    label = tr.gettext("Language")
    return f'<nav class="languages" aria-label="{e(label)}">{links}</nav>'


def page(title: str, body: str, *, status: int = 200, tr: Translator = english()) -> web.Response:
    lang = tr.locale.replace("_", "-")
    doc = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
           f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>")
    return web.Response(text=doc, content_type="text/html", status=status, headers=HEADERS)


def message_page(title: str, text: str, *, status: int, tr: Translator = english()) -> web.Response:
    return page(title, f"<h1>{e(title)}</h1><p>{e(text)}</p>", status=status, tr=tr)


def _text_field(name: str, label: str, values: Mapping[str, str], errors: Mapping[str, str], *,
                hint: str = "", textarea: bool = False, required: bool = False, maxlength: int = 1000,
                tr: Translator = english()) -> str:
    described = " ".join(x for x in (f"{name}-hint" if hint else "", f"{name}-error" if name in errors else "") if x)
    attrs = f'id="{name}" name="{name}" maxlength="{maxlength}"'
    if described:
        attrs += f' aria-describedby="{described}"'
    if required:
        attrs += ' required aria-required="true"'
    if name in errors:
        attrs += ' aria-invalid="true"'
    value = values.get(name, "")
    shown = tr.gettext("%(label)s (required)") % {"label": label} if required else label
    control = (f"<textarea {attrs}>{e(value)}</textarea>" if textarea
               else f'<input type="text" {attrs} value="{e(value)}">')
    return ('<div class="field">'
            f'<label for="{name}">{e(shown)}</label>'
            + (f'<p class="hint" id="{name}-hint">{e(hint)}</p>' if hint else "")
            + (f'<p class="error" id="{name}-error">{e(errors[name])}</p>' if name in errors else "")
            + control + "</div>")


def _radios(name: str, legend: str, options: list[tuple[str, str]], chosen: str, errors: Mapping[str, str],
            hint: str = "") -> str:
    items = "".join(
        f'<div class="choice"><input type="radio" id="{name}-{v}" name="{name}" value="{e(v)}"'
        f'{" checked" if v == chosen else ""}> <label for="{name}-{v}">{e(text)}</label></div>'
        for v, text in options)
    return (f'<fieldset id="{name}"><legend>{e(legend)}</legend>'
            + (f'<p class="hint">{e(hint)}</p>' if hint else "")
            + (f'<p class="error">{e(errors[name])}</p>' if name in errors else "")
            + items + "</fieldset>")


def form_html(config: CommunityConfig, action: str, values: Mapping[str, str], errors: Mapping[str, str], *,
              excluded: frozenset[str], public: bool, committee: tuple[str, ...], token: str = "",
              tr: Translator = english()) -> str:
    parts = [
        language_switch(action, tr),
        "<h1>" + e(tr.gettext("Report a Code of Conduct concern")) + "</h1>",
        '<p class="lead">' + tr.gettext(
            "This goes privately to the Code of Conduct committee of %(community)s — never to the people you name "
            "here or anyone you exclude. Only <strong>What happened</strong> is required.")
        % {"community": e(config.community.name)} + "</p>",
    ]
    parts += safety_resources_html(config)
    if public:
        parts.append('<p class="notice">' + e(tr.gettext(
            "You are not signed in, so cocbot cannot send you a confirmation or questions. Note your reference after "
            "sending. If you want the committee to be able to reply, add a way to reach you in your account."))
            + "</p>")
    if errors:
        links = "".join(f'<li><a href="#{e(k)}">{e(v)}</a></li>' for k, v in errors.items())
        check = tr.ngettext("Please check %(n)d thing:", "Please check %(n)d things:", len(errors)) % {"n": len(errors)}
        parts.append(f'<div class="errors" role="alert" tabindex="-1" id="errors"><p><strong>{e(check)}'
                     f"</strong></p><ul>{links}</ul></div>")
    limit = config.reporting.max_description_chars
    yes, no, unsure = tr.gettext("Yes"), tr.gettext("No"), tr.gettext("Not sure")
    separate = tr.gettext("Separate usernames with commas.")
    parts.append(f'<form method="post" action="{e(action)}" accept-charset="utf-8">')
    parts.append(f'<input type="hidden" name="{csrf.FIELD}" value="{e(token)}">')
    parts.append(f'<input type="hidden" name="lang" value="{e(tr.locale)}">')
    parts.append(_text_field("description", tr.gettext("What happened?"), values, errors, textarea=True,
                             required=True, maxlength=limit, tr=tr,
                             hint=tr.gettext("Your account, in your own words. Include links if there is a public "
                                             "record.")))
    parts.append(_text_field("when", tr.gettext("When did it happen?"), values, errors, maxlength=500, tr=tr,
                             hint=tr.gettext("For example: during Tuesday's community call.")))
    parts.append(_text_field("where_text", tr.gettext("Where did it happen?"), values, errors, maxlength=500, tr=tr,
                             hint=tr.gettext("A topic, a category, a call, an event, another platform…")))
    parts.append(_text_field("implicated", tr.gettext("Who was involved? (forum usernames)"), values, errors, tr=tr,
                             hint=tr.gettext("Separate usernames with commas. They will never see this report.")))
    parts.append(_text_field("implicated_other", tr.gettext("Anyone involved who is not on the forum?"), values,
                             errors, tr=tr, hint=tr.gettext("Names, nicknames or pseudonyms.")))
    parts.append(_text_field("witnesses", tr.gettext("Did anyone else see it? (forum usernames)"), values, errors,
                             tr=tr, hint=tr.gettext("Witnesses are not contacted or told details without care.")))
    parts.append(_radios("ongoing", tr.gettext("Is it still going on?"),
                         [("yes", yes), ("no", no), ("unsure", unsure)],
                         values.get("ongoing", "unsure"), errors))
    parts.append(_radios("danger", tr.gettext("Is anyone in immediate danger?"), [("no", no), ("yes", yes)],
                         values.get("danger", "no"), errors,
                         hint=tr.gettext("If so, please contact local emergency services first.")))
    anonymity = [(k, tr.gettext(v)) for k, v in ANONYMITY_LABELS.items() if not public or k == "anonymous"]
    parts.append(_radios("anonymity", tr.gettext("How should we handle your identity?"), anonymity,
                         values.get("anonymity", "anonymous" if public else "confidential"), errors))
    if committee:
        boxes = "".join(
            f'<div class="choice"><input type="checkbox" id="exclude-{e(m)}" name="exclude" value="{e(m)}"'
            f'{" checked" if m in excluded else ""}> <label for="exclude-{e(m)}">{e(m)}</label></div>'
            for m in committee)
        parts.append('<fieldset id="exclude"><legend>' + e(tr.gettext("Committee members who must not see this"))
                     + '</legend><p class="hint">'
                     + e(tr.gettext("For example someone with a conflict of interest. They will not be told."))
                     + "</p>"
                     + (f'<p class="error">{e(errors["excluded"])}</p>' if "excluded" in errors else "")
                     + boxes + "</fieldset>")
    parts.append(_text_field("exclude_other", tr.gettext("Other committee members who must not see this "
                                                         "(usernames)"),
                             values, errors, hint=separate, tr=tr))
    parts += readers_html(committee, values, errors, tr)
    parts += behalf_html(values, errors, tr)
    parts += warning_html(values, errors, tr)
    if not public:  # a held report's reporter must be reachable: they are told of a match
        parts.append(hold_field(values, errors, tr))
    parts.append('<button type="submit">' + e(tr.gettext("Send report")) + "</button></form>")
    return "".join(parts)


def cross_site_page(tr: Translator = english()) -> web.Response:
    return message_page(tr.gettext("This form was sent from another site"),
                        tr.gettext("cocbot only accepts reports sent from its own report form, and this one did not "
                                   "come from there, so nothing was filed. If you meant to send a report, open your "
                                   "report link (or the report form) again and send it from that page."),
                        status=403, tr=tr)


def link_spent_page(ref: str, tr: Translator = english()) -> web.Response:
    return message_page(tr.gettext("This link was already used"),
                        tr.gettext("This link was already used to send report %(ref)s, so what you sent just now was "
                                   "not added to it. To add something to report %(ref)s, reply to cocbot's private "
                                   "message about it on the forum; to send another report, send cocbot a new "
                                   "private message.") % {"ref": ref},
                        status=409, tr=tr)


def received_page(config: CommunityConfig, ref: str, *, danger: bool, public: bool,
                  tr: Translator = english(), for_someone: bool = False) -> web.Response:
    body = ""
    if danger:
        body += '<p class="danger" role="alert">' + e(tr.gettext(EMERGENCY)) + "</p>"
        body += "".join(safety_resources_html(config, paged=True, tr=tr))
    body += ("<h1>" + e(tr.gettext("Thank you. Your report %(ref)s was received") % {"ref": ref}) + "</h1>"
             + "<p>" + e(tr.gettext("It is stored safely; cocbot is passing it to the committee.")) + " "
             + e(what_happens_next(config, tr)) + "</p>")
    if for_someone:
        body += "<p>" + e(tr.gettext(
            "You filed this for someone else: they are asked to review and confirm it, and become its reporter. "
            "You will get a receipt; as with a witness, you are told more only if the committee needs you.")) + "</p>"
    elif public:
        body += "<p>" + e(tr.gettext("Please note your reference. cocbot cannot write to you because you are not "
                                     "signed in.")) + "</p>"
    else:
        body += "<p>" + e(tr.gettext("cocbot will send you a private message on the forum with the reference. Reply "
                                     "to that message to add information later.")) + "</p>"
    body += "<p>" + e(tr.gettext("You can close this page.")) + "</p>"
    return page(tr.gettext("Report %(ref)s received") % {"ref": ref}, body, tr=tr)


def safety_resources_html(config: CommunityConfig, *, paged: bool = False,
                          tr: Translator | None = None) -> list[str]:
    """The community's emergency contacts (those for everywhere: the forum is no one call or channel)."""
    from cocbot.bot.safety import texts as safety_texts

    tr = tr or english()
    resources = config.safety.resources_for()
    parts: list[str] = []
    if resources:
        items = "".join(f"<li><strong>{e(r.name)}</strong>: {e(r.reach)}</li>" for r in resources)
        parts.append(f'<div class="safety" id="safety"><p><strong>{e(safety_texts.resources_heading(tr))}</strong>'
                     f"</p><ul>{items}</ul></div>")
    if paged:
        parts.append(f"<p>{e(safety_texts.reporter_paged(tr))}</p>")
    return parts


def readers_html(committee: tuple[str, ...], values: Mapping[str, str], errors: Mapping[str, str],
                 tr: Translator | None = None) -> list[str]:
    """Who on the committee should see it: none ticked is the whole committee."""
    if not committee:
        return []
    tr = tr or english()
    chosen = set(values.get("readers", "").split())
    boxes = "".join(
        f'<div class="choice"><input type="checkbox" id="readers-{e(m)}" name="readers" value="{e(m)}"'
        f'{" checked" if m in chosen else ""}> <label for="readers-{e(m)}">{e(m)}</label></div>'
        for m in committee)
    legend = tr.gettext("Only these committee members should see it")
    hint = tr.gettext("Tick none for the whole committee. If you tick some, only they see it; if none of them "
                      "can, you are asked before anyone else is.")
    return [f'<fieldset id="readers"><legend>{e(legend)}</legend><p class="hint">{e(hint)}</p>'
            + (f'<p class="error">{e(errors["readers"])}</p>' if "readers" in errors else "")
            + boxes + "</fieldset>"]


def behalf_html(values: Mapping[str, str], errors: Mapping[str, str], tr: Translator | None = None) -> list[str]:
    tr = tr or english()
    return [_text_field("on_behalf", tr.gettext("Filing this for someone else? Their forum username (facilitators "
                                                "and committee)"), values, errors, tr=tr,
                        hint=tr.gettext("They are asked to review and confirm it, and become its reporter.")),
            _text_field("on_behalf_other", tr.gettext("Or, if they are not on the forum: their name and how to "
                                                      "reach them"), values, errors, maxlength=500, tr=tr)]


def warning_html(values: Mapping[str, str], errors: Mapping[str, str], tr: Translator | None = None) -> list[str]:
    tr = tr or english()
    return [_text_field("content_warning", tr.gettext("Content warning for the committee (optional)"), values,
                        errors, tr=tr, maxlength=300,
                        hint=tr.gettext("The committee then sees this warning first and opens the details when "
                                        "ready."))]


def hold_field(values: Mapping[str, str], errors: Mapping[str, str], tr: Translator | None = None) -> str:
    tr = tr or english()
    checked = " checked" if values.get("hold") == "hold" else ""
    return ('<fieldset id="hold"><legend>' + e(hold_texts.option(tr)) + "</legend>"
            + f'<p class="hint">{e(hold_texts.option_hint(tr))}</p>'
            + (f'<p class="error">{e(errors["hold"])}</p>' if "hold" in errors else "")
            + f'<div class="choice"><input type="checkbox" id="hold-yes" name="hold" value="hold"{checked}> '
            + f'<label for="hold-yes">{e(tr.gettext("Yes, hold my report"))}</label></div></fieldset>')


def held_page(ref: str, *, danger: bool, tr: Translator | None = None) -> str:
    tr = tr or english()
    body = f'<p class="danger" role="alert">{e(tr.gettext(EMERGENCY))}</p>' if danger else ""
    return (body + f"<h1>{e(hold_texts.held_received(ref, tr))}</h1>"
            + "<p>" + e(tr.gettext("You can close this page.")) + "</p>")
