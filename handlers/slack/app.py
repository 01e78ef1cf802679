"""Building the Bolt app and serving it: HTTP (`POST /slack/events`) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messenger import DeliveryError, NotInChannel
from cocbot.bot.services import Services
from cocbot.handlers import slack as slack_handlers
from cocbot.handlers.slack.inbound import Refusal, gate, to_bolt_request
from cocbot.handlers.slack.messenger import SlackMessenger

log = logging.getLogger("cocbot.slack")
operator_log = logging.getLogger("cocbot.operator")


class WithoutBodies(logging.Filter):
    """Keeps request and response bodies out of the Slack libraries' log records, whatever they print.

    Bolt and the SDK log bodies, which hold report text and reporters' ids, in several places: every request
    Bolt's verification rejects (INFO), unhandled requests (WARNING), every Web API call and answer (DEBUG),
    Socket Mode envelopes (DEBUG). Records below WARNING are dropped; a WARNING or worse keeps its words up
    to the first dict or list, and its traceback unless the exception's text holds one (a SlackApiError
    quotes Slack's answer, which echoes the message posted).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        message = _cut(record.getMessage())
        if message is not None:
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None and _cut(str(record.exc_info[1])) is not None:
            record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__}, details not logged)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def _cut(text: str) -> str | None:
    cut = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    return None if cut < 0 else text[:cut].rstrip(" (:") + " (body not logged)"


def filtered_logger(name: str) -> logging.Logger:
    """A logger for a Slack library to log through, with WithoutBodies. Bolt copies the filters of the one
    it is given onto the logger of each of its parts (and Socket Mode logs through it).

    Its level is set when DEBUG is off: the libraries test the logger's *own* level (`logger.level <= DEBUG`,
    true for an unset level) before composing their debug narration, so an unset level had every Web API
    call render its request and whole answer as text, and every request its middleware, only for
    `logger.debug` to drop them."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, WithoutBodies) for f in logger.filters):
        logger.addFilter(WithoutBodies())
    if logger.level == logging.NOTSET and logger.getEffectiveLevel() > logging.DEBUG:
        logger.setLevel(logger.getEffectiveLevel())
    return logger


def quiet_slack_libraries() -> None:
    """Loggers the Slack libraries create on their own (e.g. the webhook client behind Bolt's `respond`)
    narrate every request and answer at DEBUG, bodies included. Their level stays at WARNING whatever level
    the root logger is given, and what they say at WARNING passes WithoutBodies."""
    for name in ("slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.WARNING)
    filtered_logger("slack_sdk.webhook.async_client")


def build_web_client(token: str, base_url: str, session: aiohttp.ClientSession) -> AsyncWebClient:
    # One client over one shared session: no per-request connection set-up on the /report hot path.
    # slack_sdk passes `timeout` only to a session it creates itself; over this one the session's own
    # ClientTimeout applies (bot/app.py sets it), so that is what bounds every Web API call.
    # Its logger drops the SDK's debug narration, which holds every request and answer (report text).
    quiet_slack_libraries()
    return AsyncWebClient(token=token, base_url=base_url, session=session, timeout=10,
                          logger=filtered_logger("cocbot.slack.api"))


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment on its own and warns that it is unused when a client
    is given too, although the client was built with that very token: a warning about nothing, every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def build_bolt_app(client: AsyncWebClient, signing_secret: str | None, services: Services) -> AsyncApp:
    bolt_log = filtered_logger("cocbot.slack.bolt")
    if not any(isinstance(f, _SameToken) for f in bolt_log.filters):
        bolt_log.addFilter(_SameToken())
    app = AsyncApp(
        client=client,
        logger=bolt_log,
        signing_secret=signing_secret or "socket-mode-does-not-sign",
        # Over HTTP, `events_route` verifies every request before Bolt sees it (Bolt's own check logs the
        # whole body of each request it rejects); Socket Mode is authenticated by its connection.
        request_verification_enabled=False,
        # Commands and modals must answer within Slack's 3-second window; listeners ack themselves.
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    slack_handlers.register(app, services)
    return app


def events_route(get_app: Any, signing_secret: str) -> Any:
    async def slack_events(request: web.Request) -> web.Response:
        checked = await gate(request, signing_secret)
        if isinstance(checked, Refusal):
            # One line, never the body: a rejected request may be a genuine one carrying a report.
            log.warning("refused a request: %s %s, %s, %s bytes", request.method, request.path, checked.reason,
                        request.content_length if request.content_length is not None else "unknown")
            return web.json_response({"error": "invalid request"}, status=checked.status)
        bolt_app: AsyncApp = get_app()
        bolt_response = await bolt_app.async_dispatch(to_bolt_request(request, checked))
        return await to_aiohttp_response(bolt_response)

    return slack_events


# What Slack answers for a token that will never work: retrying cannot help, so cocbot stops and says which.
BAD_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})
# Waits between attempts while Slack cannot be reached; the last one repeats.
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
_UNREACHABLE = (aiohttp.ClientError, asyncio.TimeoutError, OSError)

OnFatal = Callable[[str], None]


class _OneLine(logging.Filter):
    """The Socket Mode client logs every failed (re)connection with a traceback; its message already names
    the cause, so the operator gets that one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


socket_log = logging.getLogger("cocbot.slack.socket")
socket_log.addFilter(_OneLine())


def bad_token_message(setting: str, code: str) -> str:
    where = "OAuth & Permissions" if setting == "SLACK_BOT_TOKEN" else "Basic Information → App-Level Tokens"
    return (f"Slack refused {setting} ({code}): the token is wrong, revoked or belongs to a deactivated "
            f"account. Copy it again from the app's settings ({where}) and restart cocbot.")


def start_socket_mode(bolt_app: AsyncApp, app_token: str, on_fatal: OnFatal,
                      delays: tuple[float, ...] = RETRY_DELAYS) -> tuple[Any, asyncio.Task[None]]:
    """Connect to Slack over Socket Mode in the background, so start-up (the HTTP port with /healthz and the
    Discourse webhook) never waits on Slack. Returns the handler (closed at shutdown) and the connecting
    task. While Slack cannot be reached it retries with backoff, one line per attempt; a token Slack refuses
    goes to `on_fatal`."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt_app, app_token, logger=socket_log)
    return handler, asyncio.create_task(_connect(handler, app_token, on_fatal, delays))


async def _connect(handler: Any, app_token: str, on_fatal: OnFatal, delays: tuple[float, ...]) -> None:
    client = handler.client
    attempt = 0
    while True:
        attempt += 1
        try:
            # Asked here rather than inside the client's own loop, which retries a refused token forever.
            opened = await client.web_client.apps_connections_open(app_token=app_token)
            client.wss_uri = opened["url"]
            await handler.connect_async()
            operator_log.info("Socket Mode connected to Slack (attempt %d)", attempt)
            return
        except SlackApiError as exc:
            code = str(exc.response.get("error") or f"http_{exc.response.status_code}")
            if code in BAD_TOKEN:
                on_fatal(bad_token_message("SLACK_APP_TOKEN", code))
                return
            reason = f"Slack answered {code}"
        except _UNREACHABLE as exc:
            reason = f"Slack unreachable ({type(exc).__name__})"
        delay = delays[min(attempt, len(delays)) - 1]
        operator_log.warning("Socket Mode: %s; attempt %d, next in %g s", reason, attempt, delay)
        await asyncio.sleep(delay)


async def check_committee_setup(messenger: SlackMessenger, client: AsyncWebClient, config: CommunityConfig,
                                on_fatal: OnFatal | None = None, delays: tuple[float, ...] = RETRY_DELAYS) -> None:
    """Tell the operator, without any content, when the committee channel cannot take reports directly —
    and why: a refused token (fatal), Slack out of reach (checked again later), or the bot not invited."""
    committee = config.committee
    channel = committee.channel
    if channel is None:  # a forum-only community: no Slack channel to check
        return
    attempt = 0
    while True:
        try:
            bot_user = await messenger.bot_user_id()
            break
        except DeliveryError as exc:
            if exc.code in BAD_TOKEN:
                message = bad_token_message("SLACK_BOT_TOKEN", exc.code)
                on_fatal(message) if on_fatal is not None else operator_log.error(message)
                return
            if not exc.transient:
                operator_log.warning("Slack answered %s to auth.test; the committee channel %s was not checked",
                                     exc.code, committee.channel)
                return
            attempt += 1
            delay = delays[min(attempt, len(delays)) - 1]
            operator_log.warning("Slack unreachable (%s): the committee channel %s is checked once it answers; "
                                 "attempt %d, next in %g s", exc.code, committee.channel, attempt, delay)
            await asyncio.sleep(delay)
        except Exception as exc:  # the check must not stop the bot from starting
            operator_log.warning("could not check the committee channel %s (%s)", committee.channel,
                                 type(exc).__name__)
            return
    try:
        members = await messenger.channel_members(channel)
    except NotInChannel as exc:
        operator_log.warning(
            "the bot is not in the committee channel %s (%s): invite the bot to it. Until then every report "
            "goes to a new private space with the eligible committee members.", committee.channel, exc.code)
        return
    except DeliveryError as exc:
        operator_log.warning("%s while checking the committee channel %s; it was not checked",
                             f"Slack unreachable ({exc.code})" if exc.transient else f"Slack answered {exc.code}",
                             committee.channel)
        return
    except Exception as exc:
        operator_log.warning("could not check the committee channel %s (%s)", committee.channel,
                             type(exc).__name__)
        return
    outsiders = members - set(committee.members) - {bot_user}
    if outsiders:
        operator_log.warning(
            "the committee channel %s has %d member(s) who are not on the committee; reports are routed "
            "through private spaces until they leave or are added to committee.members.",
            committee.channel, len(outsiders))
    for user in {u for u in (*committee.members, committee.escalation_contact) if u}:
        try:
            await client.users_info(user=user)
        except SlackApiError as exc:
            operator_log.warning("config lists %s but Slack says: %s", user, exc.response.get("error"))
        except Exception:
            return
