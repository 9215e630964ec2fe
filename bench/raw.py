"""The baseline: a hand-written live counter on a plain Channels consumer.

It does what a hand-written counter would do per frame -- parse the JSON, bump a number and
format it into a hand-written copy of the counter's HTML -- and nothing else. Its reply has
the same shape and size as liveview's reply for ``project/counter`` (checked by the bench).
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

#: Where ``bench.asgi`` mounts it.
RAW_PATH = "/ws/raw/"
#: Where it mounts the diagnostic variants of ``bench/variants.py`` (named here: the bench's
#: client reads them without setting Django up, which importing bench.variants needs).
RAW_HOP_PATH = "/ws/raw-hop/"
THREAD_PATH = "/ws/liveview-thread/"


def counter_fragment(cid: str, label: str, count: int) -> str:
    """``counter/counter.html`` inside liveview's out-of-band wrapper, written by hand."""
    vals = "{&quot;lv&quot;:&quot;" + cid + "&quot;,&quot;event&quot;:&quot;"
    return (
        f'<div id="{cid}" data-lv="counter" hx-swap-oob="outerMorph">\n'
        f'<section class="counter" aria-label="{label}">\n'
        f"  <h2>{label}</h2>\n"
        f'  <p>Count: <output class="count">{count}</output></p>\n'
        f'  <button type="button" hx-ws:send hx-vals="{vals}decrement&quot;}}">Decrement</button>\n'
        f'  <button type="button" hx-ws:send hx-vals="{vals}increment&quot;}}">Increment</button>\n'
        '  <span class="lv-indicator" aria-hidden="true">…</span>\n'
        "</section>\n"
        "</div>"
    )


def counter_update(cid: str, count: int, htmx_major: int) -> str:
    """The counter's new number alone, in the partial swap liveview sends for an increment
    (docs/updates.md), written by hand: htmx 4's <hx-partial>, htmx 2's out-of-band <div>."""
    where = f"#{cid}>section>p>output"
    if htmx_major == 2:
        return f'<div hx-swap-oob="innerHTML:{where}">{count}</div>'
    return f'<hx-partial hx-target="{where}" hx-swap="innerMorph">{count}</hx-partial>'


class RawCounterConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """The demo page's counters on one socket (``lv-1``; ``lv-2`` when a frame names it),
    answered inline on the event loop (no thread hop)."""

    count: int = 0
    #: The demo page's second counter (``lv-2``, "Second counter", from 10), for the memory
    #: bench's page of two counters each clicked once.
    second: int = 10

    #: Whole components (counter_fragment) or only the number (counter_update), as liveview
    #: does with its partial updates on (the default) or off.
    partial: bool = True

    async def connect(self) -> None:
        from liveview.core import dialect

        self.count, self.second = 0, 10
        self.htmx_major = dialect.current().major
        await self.accept()

    def reply(self, cid: str, label: str, count: int) -> str:
        if self.partial:
            return counter_update(cid, count, self.htmx_major)
        return counter_fragment(cid, label, count)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message: Any = json.loads(text_data or "{}")
        event = message.get("event") if isinstance(message, dict) else None
        step = 1 if event == "increment" else -1 if event == "decrement" else 0
        if isinstance(message, dict) and message.get("lv") == "lv-2":
            self.second += step
            await self.send(text_data=self.reply("lv-2", "Second counter", self.second))
            return
        self.count += step
        await self.send(text_data=self.reply("lv-1", "First counter", self.count))
