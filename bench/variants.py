"""Diagnostic sockets for ``event_roundtrip.py --variants``: where the overhead sits.

Nothing here is part of liveview; these consumers only exist to split the framework's
overhead into "thread hops" and "work":

* ``RawHopConsumer`` -- the baseline plus one ``sync_to_async`` hop per event (formatting
  the fragment in the sync thread), i.e. the cost of liveview's extra hop with no work in it.
* ``InlineLiveConsumer`` -- LiveConsumer with sync events run right on the event loop, with
  no thread hop at all (the baseline pays channels' per-message hop): the framework's work
  alone. Only safe for handlers and templates that do no blocking I/O (no ORM); a bound.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import sync_to_async

from bench.raw import INLINE_PATH, RAW_HOP_PATH, RawCounterConsumer
from liveview.socket.consumer import LiveConsumer
from liveview.socket.protocol import ProtocolError, parse_event

__all__ = ["INLINE_PATH", "RAW_HOP_PATH", "InlineLiveConsumer", "RawHopConsumer"]


class RawHopConsumer(RawCounterConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message: Any = json.loads(text_data or "{}")
        if isinstance(message, dict) and message.get("event") == "increment":
            self.count += 1
        frame = await sync_to_async(self.reply)("lv-1", "First counter", self.count)
        await self.send(text_data=frame)


class InlineLiveConsumer(LiveConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        page = self.page
        if page is not None and text_data is not None:
            try:
                message = parse_event(text_data)
            except ProtocolError:
                pass
            else:
                comp = page.components.get(message.component)
                handler = type(comp)._lv_events.get(message.event) if comp is not None else None
                if handler is None or not handler.is_async:
                    frame = page.dispatch(message.component, message.event, message.values)
                    if frame:
                        await self.send(text_data=frame)
                    return
        await super().receive(text_data, bytes_data)
