"""A reporter's buttons on their held report (its confirmation DM, the expiry warning, the App Home):
send it to the committee now, or withdraw it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.holds.texts import RELEASE_ACTION, WITHDRAW_ACTION
from cocbot.bot.services import Services
from cocbot.handlers.slack import translate
from cocbot.handlers.slack.listeners.app_home import publish
from cocbot.handlers.slack.triage_views import refuse


def register(app: AsyncApp, services: Services) -> None:
    async def release(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, _ = translate.click(body)
        result = await services.holds.release(ref, user, await services.member_translator_lookup("slack", user))
        await refuse(client, body, result.message)  # the outcome, to the clicker only
        if result.ok:
            # Their home no longer lists it; the committee's counts now include it (each home shows only what
            # that member may see, as when they open it).
            for person in (user, *sorted(set(services.config.committee.members) - {user})):
                await publish(services, client, person)

    async def withdraw(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        ref, user, _ = translate.click(body)
        result = await services.holds.withdraw(ref, user, await services.member_translator_lookup("slack", user))
        await refuse(client, body, result.message)
        if result.ok:
            await publish(services, client, user)  # a held report was never in the committee's counts

    app.action(RELEASE_ACTION)(release)
    app.action(WITHDRAW_ACTION)(withdraw)
