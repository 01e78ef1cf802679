"""The private report form for Discourse members, served by cocbot's own aiohttp server.

Plain HTML forms: no JavaScript, every control labelled, radio groups in fieldsets with legends, errors
linked to their fields, visible keyboard focus, and colours above WCAG AA contrast. The same fields,
block semantics and anonymity choices as the Slack modal; people are named by Discourse username.

`GET/POST /discourse/report/{link}`: the one-time link sent by PM (bound to that user).
`GET/POST /discourse/report`: the optional public fallback (off unless `discourse.public_form`), for
people without an account; rate-limited per client address. The pages themselves are in form_pages.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from aiohttp import web

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator
from cocbot.bot.reports.intake import ReportDraft, Source, StoreFailed, validate
from cocbot.bot.reports.reporters import public_reporter
from cocbot.bot.reports.texts import NOT_STORED
from cocbot.bot.discourse.links import LinkState
from cocbot.bot.discourse.service import ForumService
from cocbot.handlers.discourse import csrf, translate
# The pages are named here too, where the tests and the rest of the edge import them.
from cocbot.handlers.discourse.form_pages import (
    CSS, HEADERS, behalf_html, cross_site_page, e, form_html, held_page, hold_field, language_of, language_switch,
    link_spent_page, message_page, page, readers_html, received_page, safety_resources_html, warning_html,
)

__all__ = ["CSS", "FIELDS_TEXT", "HEADERS", "RateLimit", "ReportForm", "behalf_fields", "behalf_html",
           "cross_site_page", "e", "form_html", "held_page", "hold_field", "language_of", "language_switch",
           "link_spent_page", "message_page", "page", "readers_html", "received_page", "safety_resources_html",
           "warning_field", "warning_html"]

FIELDS_TEXT = ("description", "when", "where_text", "implicated", "implicated_other", "witnesses",
               "exclude_other")


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


# Domain field → the id of the form control an error points at.
_ERROR_TARGET = {"excluded": "exclude_other"}


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

    async def _token(self, link: str, tr: Translator) -> tuple[LinkState, web.Response | None]:
        state = await self.get_service().open_link(link)
        if state.refusal == "invalid":
            return state, message_page(tr.gettext("This link is not valid"),
                                      tr.gettext("This report link is not valid. Send cocbot a private message on "
                                                 "the forum to get a new one."), status=404, tr=tr)
        if state.refusal == "used":
            return state, message_page(tr.gettext("This link was already used"),
                                      tr.gettext("This link has already been used to send a report, so it cannot "
                                                 "be used again. Your report %(ref)s was received. To send another "
                                                 "report, send cocbot a new private message.")
                                      % {"ref": state.ref or ""}, status=410, tr=tr)
        if state.refusal == "expired":
            return state, message_page(tr.gettext("This link has expired"),
                                      tr.gettext("For your safety, report links expire. Send cocbot a new private "
                                                 "message on the forum and it will send you a fresh link."),
                                      status=410, tr=tr)
        return state, None

    async def show(self, request: web.Request) -> web.Response:
        tr = language_of(request, self.config)
        link, refusal = await self._token(request.match_info["link"], tr)
        if refusal is not None:
            return refusal
        assert self.guard is not None
        prefill = await self.get_service().form_prefill(link.token_id)  # asked for from a talk conversation
        return page(tr.gettext("Report a Code of Conduct concern"),
                    form_html(self.config, request.path, {"description": prefill} if prefill else {}, {},
                              excluded=frozenset(), public=False, committee=self.committee,
                              token=self.guard.link_token(link.token_id), tr=tr), tr=tr)

    async def submit(self, request: web.Request) -> web.Response:
        link, refusal = await self._token(request.match_info["link"], language_of(request, self.config))
        if refusal is not None:
            return refusal
        return await self._submit(request, reporter=link.username, key=f"discourse:form:{link.token_id}",
                                  token_id=link.token_id, public=False)

    async def show_public(self, request: web.Request) -> web.Response:
        assert self.guard is not None
        cookie, token = self.guard.new_public(self.get_service().clock.now())
        tr = language_of(request, self.config)
        response = page(tr.gettext("Report a Code of Conduct concern"),
                        form_html(self.config, request.path, {}, {}, excluded=frozenset(), public=True,
                                  committee=self.committee, token=token, tr=tr), tr=tr)
        self.guard.set_cookie(response, request, cookie)
        return response

    async def submit_public(self, request: web.Request) -> web.Response:
        assert self.rate_limit is not None
        if not self.rate_limit.allow(request.remote or "unknown"):
            tr = language_of(request, self.config)
            return message_page(tr.gettext("Too many reports from here"),
                                tr.gettext("Too many reports were sent from this network in the last hour. Please "
                                           "try again later, or contact a committee member directly."),
                                status=429, tr=tr)
        nonce = secrets.token_urlsafe(12)
        return await self._submit(request, reporter=public_reporter(nonce), key=f"discourse:public:{nonce}",
                                  token_id=None, public=True)

    async def _submit(self, request: web.Request, *, reporter: str, key: str, token_id: str | None,
                      public: bool) -> web.Response:
        service = self.get_service()
        assert self.guard is not None
        tr = language_of(request, self.config)
        if self.guard.foreign_origin(request):
            return cross_site_page(tr)
        try:
            form = await request.post()
        except (UnicodeDecodeError, ValueError):  # a browser sends UTF-8 (accept-charset); this is not a form
            return message_page(tr.gettext("This report could not be read"),
                                tr.gettext("The form was sent in a way cocbot cannot read. Please go back and send "
                                           "it again."), status=400, tr=tr)
        tr = language_of(request, self.config, form)
        if not (self.guard.public_token_ok(form, request.cookies.get(csrf.COOKIE), service.clock.now()) if public
                else token_id is not None and self.guard.link_token_ok(form, token_id)):
            return cross_site_page(tr)
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
            readers=tuple(translate.usernames(" ".join(str(v) for v in form.getall("readers", [])))),
            **behalf_fields(form, values),
            content_warning=warning_field(form, values),
            hold=values["hold"] == "hold" and not public,
        )
        values["readers"] = " ".join(draft.readers)  # ticked again if the form comes back with errors
        errors = validate(draft, self.config, tr)
        if errors:
            shown = {_ERROR_TARGET.get(k, k): v for k, v in errors.items()}
            return page(tr.gettext("Please check your report — Report a Code of Conduct concern"),
                        form_html(self.config, request.path, values, shown, excluded=excluded, public=public,
                                  committee=self.committee, token=str(form.get(csrf.FIELD, "")), tr=tr),
                        status=422, tr=tr)
        try:
            submitted = await service.submit_form(draft, token_id)
        except StoreFailed:  # logged by the intake, without content; the reporter keeps their text to send again
            return page(tr.gettext("Your report was not sent yet — Report a Code of Conduct concern"),
                        form_html(self.config, request.path, values, {"description": tr.gettext(NOT_STORED)},
                                  excluded=excluded, public=public, committee=self.committee,
                                  token=str(form.get(csrf.FIELD, "")), tr=tr),
                        status=503, tr=tr)
        if token_id is not None and not submitted.created:
            # The link's key names one report: a submit that did not create it (a second tab sent at the
            # same moment) was not stored, and its sender must not be told it was.
            return link_spent_page(submitted.ref, tr)
        if submitted.held:
            return page(tr.gettext("Report %(ref)s held") % {"ref": submitted.ref},
                        held_page(submitted.ref, danger=submitted.danger, tr=tr), tr=tr)
        return received_page(self.config, submitted.ref, danger=submitted.danger, public=public, tr=tr,
                             for_someone=bool(draft.on_behalf or draft.on_behalf_other.strip()))


def behalf_fields(form: Any, values: dict[str, str]) -> dict[str, Any]:
    """"On behalf of": a forum username, or a name and contact for someone not on the forum."""
    values.update({k: str(form.get(k, "")) for k in ("on_behalf", "on_behalf_other")})
    named = translate.usernames(values["on_behalf"])
    return {"on_behalf": named[0] if named else None, "on_behalf_other": values["on_behalf_other"]}


def warning_field(form: Any, values: dict[str, str]) -> str:
    values["content_warning"] = str(form.get("content_warning", ""))
    return values["content_warning"]
