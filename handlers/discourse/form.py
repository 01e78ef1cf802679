"""The private report form for Discourse members, served by cocbot's own aiohttp server.

Plain HTML forms: no JavaScript, every control labelled, radio groups in fieldsets with legends, errors
linked to their fields, visible keyboard focus, and colours above WCAG AA contrast. The same fields,
block semantics and anonymity choices as the Slack modal; people are named by Discourse username.

`GET/POST /discourse/report/{link}`: the one-time link sent by PM (bound to that user).
`GET/POST /discourse/report`: the optional public fallback (off unless `discourse.public_form`), for
people without an account; rate-limited per client address.
"""

from __future__ import annotations

import html
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Mapping

from aiohttp import web

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.holds import texts as hold_texts
from cocbot.bot.i18n import english
from cocbot.bot.reports.intake import ReportDraft, Source, StoreFailed, validate
from cocbot.bot.reports.reporters import public_reporter
from cocbot.bot.reports.texts import ANONYMITY_LABELS, EMERGENCY, NOT_STORED, what_happens_next
from cocbot.bot.discourse.links import LinkState
from cocbot.bot.discourse.service import ForumService
from cocbot.handlers.discourse import csrf, translate

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

FIELDS_TEXT = ("description", "when", "where_text", "implicated", "implicated_other", "witnesses",
               "exclude_other")


def e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str, *, status: int = 200) -> web.Response:
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">'
           f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>")
    return web.Response(text=doc, content_type="text/html", status=status, headers=HEADERS)


def message_page(title: str, text: str, *, status: int) -> web.Response:
    return page(title, f"<h1>{e(title)}</h1><p>{e(text)}</p>", status=status)


@dataclass
class RateLimit:
    per_hour: int
    hits: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        window = self.hits[client]
        while window and now - window[0] > 3600:
            window.popleft()
        if len(window) >= self.per_hour:
            return False
        window.append(now)
        return True


def _text_field(name: str, label: str, values: Mapping[str, str], errors: Mapping[str, str], *,
                hint: str = "", textarea: bool = False, required: bool = False, maxlength: int = 1000) -> str:
    described = " ".join(x for x in (f"{name}-hint" if hint else "", f"{name}-error" if name in errors else "") if x)
    attrs = f'id="{name}" name="{name}" maxlength="{maxlength}"'
    if described:
        attrs += f' aria-describedby="{described}"'
    if required:
        attrs += ' required aria-required="true"'
    if name in errors:
        attrs += ' aria-invalid="true"'
    value = values.get(name, "")
    control = (f"<textarea {attrs}>{e(value)}</textarea>" if textarea
               else f'<input type="text" {attrs} value="{e(value)}">')
    return ('<div class="field">'
            f'<label for="{name}">{e(label)}{" (required)" if required else ""}</label>'
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
              excluded: frozenset[str], public: bool, committee: tuple[str, ...], token: str = "") -> str:
    parts = [
        "<h1>Report a Code of Conduct concern</h1>",
        f'<p class="lead">This goes privately to the Code of Conduct committee of {e(config.community.name)} — '
        "never to the people you name here or anyone you exclude. Only <strong>What happened</strong> is "
        "required.</p>",
    ]
    if public:
        parts.append('<p class="notice">You are not signed in, so cocbot cannot send you a confirmation or '
                     "questions. Note your reference after sending. If you want the committee to be able to "
                     "reply, add a way to reach you in your account.</p>")
    if errors:
        links = "".join(f'<li><a href="#{e(k)}">{e(v)}</a></li>' for k, v in errors.items())
        parts.append(f'<div class="errors" role="alert" tabindex="-1" id="errors"><p><strong>Please check '
                     f"{len(errors)} thing{'s' if len(errors) != 1 else ''}:</strong></p><ul>{links}</ul></div>")
    limit = config.reporting.max_description_chars
    parts.append(f'<form method="post" action="{e(action)}" accept-charset="utf-8">')
    parts.append(f'<input type="hidden" name="{csrf.FIELD}" value="{e(token)}">')
    parts.append(_text_field("description", "What happened?", values, errors, textarea=True, required=True,
                             maxlength=limit, hint="Your account, in your own words. Include links if there "
                                                   "is a public record."))
    parts.append(_text_field("when", "When did it happen?", values, errors, maxlength=500,
                             hint="For example: during Tuesday's community call."))
    parts.append(_text_field("where_text", "Where did it happen?", values, errors, maxlength=500,
                             hint="A topic, a category, a call, an event, another platform…"))
    parts.append(_text_field("implicated", "Who was involved? (forum usernames)", values, errors,
                             hint="Separate usernames with commas. They will never see this report."))
    parts.append(_text_field("implicated_other", "Anyone involved who is not on the forum?", values, errors,
                             hint="Names, nicknames or pseudonyms."))
    parts.append(_text_field("witnesses", "Did anyone else see it? (forum usernames)", values, errors,
                             hint="Witnesses are not contacted or told details without care."))
    parts.append(_radios("ongoing", "Is it still going on?",
                         [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
                         values.get("ongoing", "unsure"), errors))
    parts.append(_radios("danger", "Is anyone in immediate danger?", [("no", "No"), ("yes", "Yes")],
                         values.get("danger", "no"), errors,
                         hint="If so, please contact local emergency services first."))
    anonymity = [(k, v) for k, v in ANONYMITY_LABELS.items() if not public or k == "anonymous"]
    parts.append(_radios("anonymity", "How should we handle your identity?", anonymity,
                         values.get("anonymity", "anonymous" if public else "confidential"), errors))
    if committee:
        boxes = "".join(
            f'<div class="choice"><input type="checkbox" id="exclude-{e(m)}" name="exclude" value="{e(m)}"'
            f'{" checked" if m in excluded else ""}> <label for="exclude-{e(m)}">{e(m)}</label></div>'
            for m in committee)
        parts.append('<fieldset id="exclude"><legend>Committee members who must not see this</legend>'
                     '<p class="hint">For example someone with a conflict of interest. They will not be told.</p>'
                     + (f'<p class="error">{e(errors["excluded"])}</p>' if "excluded" in errors else "")
                     + boxes + "</fieldset>")
    parts.append(_text_field("exclude_other", "Other committee members who must not see this (usernames)",
                             values, errors, hint="Separate usernames with commas."))
    if not public:  # a held report's reporter must be reachable: they are told of a match
        parts.append(hold_field(values, errors))
    parts.append('<button type="submit">Send report</button></form>')
    return "".join(parts)


# Domain field → the id of the form control an error points at.
_ERROR_TARGET = {"excluded": "exclude_other"}


def cross_site_page() -> web.Response:
    return message_page("This form was sent from another site",
                        "cocbot only accepts reports sent from its own report form, and this one did not come "
                        "from there, so nothing was filed. If you meant to send a report, open your report "
                        "link (or the report form) again and send it from that page.", status=403)


def link_spent_page(ref: str) -> web.Response:
    return message_page("This link was already used",
                        f"This link was already used to send report {ref}, so what you sent just now was not "
                        f"added to it. To add something to report {ref}, reply to cocbot's private message "
                        "about it on the forum; to send another report, send cocbot a new private message.",
                        status=409)


@dataclass
class ReportForm:
    config: CommunityConfig
    get_service: Callable[[], ForumService]
    rate_limit: RateLimit | None = None
    guard: csrf.FormGuard | None = None

    def __post_init__(self) -> None:
        d = self.config.discourse
        if d is not None and self.guard is None:
            self.guard = csrf.FormGuard.from_secret(d.webhook_secret, d.public_url)

    @property
    def committee(self) -> tuple[str, ...]:
        d = self.config.discourse
        return d.committee if d is not None else ()

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/discourse/report/{link}", self.show)
        app.router.add_post("/discourse/report/{link}", self.submit)
        d = self.config.discourse
        if d is not None and d.public_form:
            self.rate_limit = RateLimit(d.public_form_per_hour)
            app.router.add_get("/discourse/report", self.show_public)
            app.router.add_post("/discourse/report", self.submit_public)

    async def _token(self, link: str) -> tuple[LinkState, web.Response | None]:
        state = await self.get_service().open_link(link)
        if state.refusal == "invalid":
            return state, message_page("This link is not valid",
                                      "This report link is not valid. Send cocbot a private message on the forum "
                                      "to get a new one.", status=404)
        if state.refusal == "used":
            return state, message_page("This link was already used",
                                      "This link has already been used to send a report, so it cannot be used "
                                      f"again. Your report {state.ref or ''} was received. To send another "
                                      "report, send cocbot a new private message.", status=410)
        if state.refusal == "expired":
            return state, message_page("This link has expired",
                                      "For your safety, report links expire. Send cocbot a new private message "
                                      "on the forum and it will send you a fresh link.", status=410)
        return state, None

    async def show(self, request: web.Request) -> web.Response:
        link, refusal = await self._token(request.match_info["link"])
        if refusal is not None:
            return refusal
        assert self.guard is not None
        return page("Report a Code of Conduct concern",
                    form_html(self.config, request.path, {}, {}, excluded=frozenset(), public=False,
                              committee=self.committee, token=self.guard.link_token(link.token_id)))

    async def submit(self, request: web.Request) -> web.Response:
        link, refusal = await self._token(request.match_info["link"])
        if refusal is not None:
            return refusal
        return await self._submit(request, reporter=link.username, key=f"discourse:form:{link.token_id}",
                                  token_id=link.token_id, public=False)

    async def show_public(self, request: web.Request) -> web.Response:
        assert self.guard is not None
        cookie, token = self.guard.new_public(self.get_service().clock.now())
        response = page("Report a Code of Conduct concern",
                        form_html(self.config, request.path, {}, {}, excluded=frozenset(), public=True,
                                  committee=self.committee, token=token))
        self.guard.set_cookie(response, request, cookie)
        return response

    async def submit_public(self, request: web.Request) -> web.Response:
        assert self.rate_limit is not None
        if not self.rate_limit.allow(request.remote or "unknown"):
            return message_page("Too many reports from here",
                                "Too many reports were sent from this network in the last hour. Please try again "
                                "later, or contact a committee member directly.", status=429)
        nonce = secrets.token_urlsafe(12)
        return await self._submit(request, reporter=public_reporter(nonce), key=f"discourse:public:{nonce}",
                                  token_id=None, public=True)

    async def _submit(self, request: web.Request, *, reporter: str, key: str, token_id: str | None,
                      public: bool) -> web.Response:
        service = self.get_service()
        assert self.guard is not None
        if self.guard.foreign_origin(request):
            return cross_site_page()
        try:
            form = await request.post()
        except (UnicodeDecodeError, ValueError):  # a browser sends UTF-8 (accept-charset); this is not a form
            return message_page("This report could not be read",
                                "The form was sent in a way cocbot cannot read. Please go back and send it again.",
                                status=400)
        if not (self.guard.public_token_ok(form, request.cookies.get(csrf.COOKIE), service.clock.now()) if public
                else token_id is not None and self.guard.link_token_ok(form, token_id)):
            return cross_site_page()
        values = {k: str(form.get(k, "")) for k in (*FIELDS_TEXT, "ongoing", "danger", "anonymity", "hold")}
        excluded = frozenset(translate.usernames(" ".join(str(v) for v in form.getall("exclude", []))))
        excluded |= frozenset(translate.usernames(values["exclude_other"]))
        anonymity = translate.anonymity(values["anonymity"] or None)
        if public:
            anonymity = translate.anonymity("anonymous")
        draft = ReportDraft(
            idempotency_key=key,
            reporter=reporter,
            source=Source.FORM,
            platform="discourse",
            description=values["description"],
            when=values["when"],
            where_text=values["where_text"],
            implicated=translate.usernames(values["implicated"]),
            implicated_other=values["implicated_other"],
            witnesses=translate.usernames(values["witnesses"]),
            ongoing=translate.one_of(values["ongoing"], ("yes", "no", "unsure"), "unsure"),
            danger=values["danger"] == "yes",
            anonymity=anonymity,
            excluded=tuple(sorted(excluded)),
            hold=values["hold"] == "hold" and not public,
        )
        errors = validate(draft, self.config)
        if errors:
            shown = {_ERROR_TARGET.get(k, k): v for k, v in errors.items()}
            return page("Please check your report — Report a Code of Conduct concern",
                        form_html(self.config, request.path, values, shown, excluded=excluded, public=public,
                                  committee=self.committee, token=str(form.get(csrf.FIELD, ""))), status=422)
        try:
            submitted = await service.submit_form(draft, token_id)
        except StoreFailed:  # logged by the intake, without content; the reporter keeps their text to send again
            return page("Your report was not sent yet — Report a Code of Conduct concern",
                        form_html(self.config, request.path, values, {"description": NOT_STORED}, excluded=excluded,
                                  public=public, committee=self.committee, token=str(form.get(csrf.FIELD, ""))),
                        status=503)
        if token_id is not None and not submitted.created:
            # The link's key names one report: a submit that did not create it (a second tab sent at the
            # same moment) was not stored, and its sender must not be told it was.
            return link_spent_page(submitted.ref)
        if submitted.held:
            return page(f"Report {submitted.ref} held", held_page(submitted.ref, danger=submitted.danger))
        return received_page(self.config, submitted.ref, danger=submitted.danger, public=public)


def received_page(config: CommunityConfig, ref: str, *, danger: bool, public: bool) -> web.Response:
    body = ""
    if danger:
        body += f'<p class="danger" role="alert">{e(EMERGENCY)}</p>'
    body += (f"<h1>Thank you. Your report {e(ref)} was received</h1>"
             f"<p>It is stored safely; cocbot is passing it to the committee. {e(what_happens_next(config))}</p>")
    if public:
        body += ("<p>Please note your reference. cocbot cannot write to you because you are not signed in.</p>")
    else:
        body += ("<p>cocbot will send you a private message on the forum with the reference. Reply to that "
                 "message to add information later.</p>")
    body += "<p>You can close this page.</p>"
    return page(f"Report {ref} received", body)


def hold_field(values: Mapping[str, str], errors: Mapping[str, str]) -> str:
    tr = english()
    checked = " checked" if values.get("hold") == "hold" else ""
    return ('<fieldset id="hold"><legend>' + e(hold_texts.option(tr)) + "</legend>"
            + f'<p class="hint">{e(hold_texts.option_hint(tr))}</p>'
            + (f'<p class="error">{e(errors["hold"])}</p>' if "hold" in errors else "")
            + f'<div class="choice"><input type="checkbox" id="hold-yes" name="hold" value="hold"{checked}> '
            + f'<label for="hold-yes">{e(tr.gettext("Yes, hold my report"))}</label></div></fieldset>')


def held_page(ref: str, *, danger: bool) -> str:
    body = f'<p class="danger" role="alert">{e(EMERGENCY)}</p>' if danger else ""
    return body + f"<h1>{e(hold_texts.held_received(ref, english()))}</h1><p>You can close this page.</p>"
