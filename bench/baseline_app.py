"""The baseline for `/report`: a bare slack-bolt AsyncApp whose `/report` acks and opens a static modal.

It is what any Bolt app costs on this machine: one AsyncWebClient over one shared aiohttp session,
request verification on, served over aiohttp on the same route cocbot uses (`POST /slack/events`, with
`GET /healthz` for readiness). It imports nothing from cocbot but the choice of event loop
(bot/eventloop.py, which imports nothing else), so cocbot's own overhead is the
difference between the two.

Environment (the same variables cocbot reads): SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL,
PORT, HOST; BENCH_MODAL_PATH names a JSON file with the modal to open (the bench writes cocbot's report
modal there, so both servers send Slack the same bytes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

BOLT = web.AppKey("bolt", AsyncApp)


def create_app() -> web.Application:
    modal: dict[str, Any] = json.loads(Path(os.environ["BENCH_MODAL_PATH"]).read_text(encoding="utf-8"))
    app = web.Application()

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        session = aiohttp.ClientSession()
        client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"],
                                session=session, timeout=10)
        bolt = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                        process_before_response=False)

        @bolt.command("/report")
        async def report(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            await client.views_open(trigger_id=body["trigger_id"], view=modal)

        app[BOLT] = bolt
        yield
        await session.close()

    async def events(request: web.Request) -> web.Response:
        response = await app[BOLT].async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", health)
    app.cleanup_ctx.append(lifetime)
    return app


if __name__ == "__main__":
    # The loop cocbot runs on, so the comparison measures cocbot's own work, not a difference of loops.
    from cocbot.bot.runtime.eventloop import new_event_loop

    web.run_app(create_app(), host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]),
                print=None, access_log=None, loop=new_event_loop())
