"""The server side of ``bench/click_dom.py``: its six pages and the hand-written consumer.

* liveview's pages: the demo's ``counter`` (partial updates on, the default), the same counter
  with ``partial_updates = False`` (every update morphs the whole component), and
  ``bench/payload_app.py``'s ``liveview.data.Table`` of 300 rows, plain and as a stream
  (``Table(stream=True)``: the changed row is sent alone);
* the hand-written htmx + Channels pages: the same htmx and ws extension (``{% liveview_scripts
  %}`` on a page without live components loads them, without the glue), a socket of their own
  (``HandConsumer``) that answers a click with the changed element alone, swapped out of band:
  ``<output id="count" hx-swap-oob="true">N</output>``, or the one table cell.

Nothing here is part of liveview.
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, path
from django_components import register

from bench.payload_app import ROWS_NAME, ROWS_STREAM_NAME, row
from liveview.core import dialect
from project.counter.components.counter import Counter

#: Where ``bench.asgi`` mounts the hand-written pages' socket.
HAND_PATH = "/ws/bench/hand/"
WHOLE_COUNTER_NAME = "bench_counter_whole"
#: The table's length, and the row whose cell a click changes (the middle one).
ROWS = 300


@register(WHOLE_COUNTER_NAME)
class WholeCounter(Counter):
    """The demo's counter, every update sent and morphed whole (as before partial updates)."""

    partial_updates = False


class HandConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    """What a hand-written Channels + htmx page does per click: bump a number, send the one
    element that shows it, out of band."""

    async def connect(self) -> None:
        self.count = 0
        self.changes = 0
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message: Any = json.loads(text_data or "{}")
        values, _ = dialect.unwrap(message if isinstance(message, dict) else {})
        if values.get("event") == "increment":
            self.count += 1
            await self.send(
                text_data=f'<output id="count" hx-swap-oob="true">{self.count}</output>'
            )
        elif values.get("event") == "change":
            self.changes += 1
            await self.send(
                text_data=f'<td id="cell" data-column="value" hx-swap-oob="true">'
                f"changed {self.changes}</td>"
            )


_HEAD = (
    '{% load liveview %}<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<link rel="icon" href="data:,"><title>click→DOM</title></head><body>'
)
_TAIL = "{% liveview_scripts %}</body></html>"

LIVE_PAGES = {
    "counter": '{% component "counter" label="First counter" / %}',
    "counter-whole": '{% component "' + WHOLE_COUNTER_NAME + '" label="First counter" / %}',
    "table": '{% component "' + ROWS_NAME + '" rows=' + str(ROWS) + " / %}",
    "table-stream": '{% component "' + ROWS_STREAM_NAME + '" rows=' + str(ROWS) + " / %}",
}


def _socket_attrs() -> str:
    """The hand-written page's socket, in the htmx the server renders for."""
    speaks = dialect.current()
    ext = f' hx-ext="{speaks.extension}"' if speaks.extension else ""
    return f'{speaks.connect_attr}="{HAND_PATH}"{ext}'


def _button(event: str, label: str) -> str:
    send = dialect.current().send_attr
    return f'<button type="button" {send} hx-vals=\'{{"event": "{event}"}}\'>{label}</button>'


def hand_counter() -> str:
    return (
        f'<div {_socket_attrs()}><p>Count: <output id="count">0</output></p>'
        f"{_button('increment', 'Increment')}</div>"
    )


def hand_table() -> str:
    cells = []
    for i in range(ROWS):
        r = row(i)
        value = (
            f'<td id="cell" data-column="value">{r["value"]}</td>'
            if i == ROWS // 2
            else f'<td data-column="value">{r["value"]}</td>'
        )
        cells.append(f'<tr><td data-column="name">{r["name"]}</td>{value}</tr>')
    return (
        f"<div {_socket_attrs()}>{_button('change', 'Change a cell')}<table><thead><tr>"
        f'<th scope="col">Name</th><th scope="col">Value</th></tr></thead>'
        f"<tbody>{''.join(cells)}</tbody></table></div>"
    )


def page(request: HttpRequest, name: str) -> HttpResponse:
    if name in LIVE_PAGES:
        body = LIVE_PAGES[name]
    elif name == "counter-hand":
        body = hand_counter()
    elif name == "table-hand":
        body = hand_table()
    else:
        return HttpResponse(status=404)
    template = engines["django"].from_string(_HEAD + body + _TAIL)
    response = HttpResponse(template.render({}, request))
    # Cross-origin isolated: the page's performance.now() ticks in microseconds, not in the
    # 0.1 ms steps Chromium gives other pages (its scripts and socket are same-origin).
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    response["Cross-Origin-Embedder-Policy"] = "require-corp"
    return response


urlpatterns: list[URLPattern] = [path("bench/click/<slug:name>/", page)]
