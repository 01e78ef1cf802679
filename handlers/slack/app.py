"""Building the Bolt app and serving it: HTTP (`POST /slack/events`) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import CommunityConfig
from bot.messenger import DeliveryError, NotInChannel
from bot.services import Services
from handlers import slack as slack_handlers
from handlers.slack.inbound import to_bolt_request
from handlers.slack.messenger import SlackMessenger

log = logging.getLogger("cocbot.slack")
operator_log = logging.getLogger("cocbot.operator")


def build_web_client(token: str, base_url: str, session: aiohttp.ClientSession) -> AsyncWebClient:
    # One client over one shared session: no per-request connection set-up on the /report hot path.
    return AsyncWebClient(token=token, base_url=base_url, session=session, timeout=10)


def build_bolt_app(client: AsyncWebClient, signing_secret: str | None, services: Services) -> AsyncApp:
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "socket-mode-does-not-sign",
        request_verification_enabled=signing_secret is not None,
        # Commands and modals must answer within Slack's 3-second window; listeners ack themselves.
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    slack_handlers.register(app, services)
    return app


def events_route(get_app: Any) -> Any:
    async def slack_events(request: web.Request) -> web.Response:
        bolt_app: AsyncApp = get_app()
        bolt_response = await bolt_app.async_dispatch(await to_bolt_request(request))
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
    return (f"Slack refused {setting} ({code}): the token is wrong, revoked or belongs to a deactivated "
            f"account. Copy it again from the app's settings ({'OAuth & Permissions' if setting == 'SLACK_BOT_TOKEN' else 'Basic Information → App-Level Tokens'}) "
            "and restart cocbot.")


def start_socket_mode(bolt_app: AsyncApp, app_token: str, on_fatal: OnFatal,
                      delays: tuple[float, ...] = RETRY_DELAYS) -> tuple[Any, "asyncio.Task[None]"]:
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
        members = await messenger.channel_members(committee.channel)
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
    for user in {*committee.members, committee.escalation_contact}:
        try:
            await client.users_info(user=user)
        except SlackApiError as exc:
            operator_log.warning("config lists %s but Slack says: %s", user, exc.response.get("error"))
        except Exception:
            return
