"""Which event loop `cocbot run` serves on (kept free of other imports: the benchmark's bare-Bolt baseline
uses it too, so both servers run on the same loop)."""

from __future__ import annotations

import asyncio
import os


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux and macOS): the same asyncio API with the loop and its transports
    in C, less CPU per request. COCBOT_EVENT_LOOP=asyncio keeps the standard loop."""
    if os.environ.get("COCBOT_EVENT_LOOP", "").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()
