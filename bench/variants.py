"""Diagnostic sockets for ``event_roundtrip.py --variants``: where the overhead sits.

Nothing here is part of liveview; these consumers only exist to split the framework's
overhead into "thread hops" and "work":

* ``RawHopConsumer`` -- the baseline plus one ``sync_to_async`` hop per event (formatting
  the fragment in the sync thread), i.e. the cost of liveview's extra hop with no work in it.
* ``ThreadLiveConsumer`` -- LiveConsumer with every event run in Django's sync thread, as a
  plain ``@event`` handler is; the demo counter says ``@event(on_loop=True)`` and skips that
  hop (docs/events.md).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from asgiref.sync import sync_to_async

from bench.raw import RAW_HOP_PATH, THREAD_PATH, RawCounterConsumer
from liveview.core.threads import in_sync_thread
from liveview.runtime.page import Page
from liveview.socket.consumer import LiveConsumer

__all__ = ["RAW_HOP_PATH", "THREAD_PATH", "RawHopConsumer", "ThreadLiveConsumer"]


class RawHopConsumer(RawCounterConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message: Any = json.loads(text_data or "{}")
        if isinstance(message, dict) and message.get("event") == "increment":
            self.count += 1
        frame = await sync_to_async(self.reply)("lv-1", "First counter", self.count)
        await self.send(text_data=frame)


class ThreadLiveConsumer(LiveConsumer):
    """LiveConsumer with every event run in Django's sync thread, as a plain ``@event`` is:
    the demo counter without its ``on_loop=True`` (the lock, the ack and the outbox as usual)."""

    async def connect(self) -> None:
        await super().connect()
        page = self.page
        if page is not None:
            page.dispatch_async = functools.partial(_in_thread, page)  # type: ignore[method-assign]


async def _in_thread(page: Page, cid: str, event: str, values: dict[str, Any]) -> str | None:
    return await in_sync_thread(page.dispatch)(cid, event, values)
