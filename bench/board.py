"""The server side of ``bench/fanout.py``: a live board, the sockets showing it, a control socket.

* ``Board`` is a viewer-independent LiveComponent subscribed to one URI; it renders a
  poll-results-like fragment (1.8 KB) of what ``BOARD`` holds.
* ``BoardConsumer`` is liveview's consumer for a page showing the board, plus what the two
  baselines need on the *same* sockets: it sits in ``RAW_SOCKETS`` (a process-level list) and in
  the channel-layer group ``GROUP``, whose message it forwards as the fragment.
* ``ControlConsumer`` starts one fan-out inside the server per frame ``"<kind> <version>"``:
  ``live`` changes ``BOARD`` and publishes the change (publish -> layer -> hub -> render once ->
  every socket); ``raw`` writes ``board_fragment(version)`` to every socket in a loop (the
  floor); ``group`` makes one ``channel_layer.group_send`` to ``GROUP`` (the per-member
  baseline).
* Also on the control socket: ``set <version>`` sets ``BOARD`` only (answers ``ok``);
  ``server`` answers the last fan-out's time from the trigger's
  arrival to the last write to a socket (ms); ``count`` how many board sockets are open;
  ``profile on`` / ``profile off`` run cProfile in the event loop's thread and in the sync
  worker's, and answer the stats.

Nothing here is part of liveview.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.generic.websocket import AsyncWebsocketConsumer
from django_components import register

from liveview import LiveComponent
from liveview.pubsub.publish import apublish, changed
from liveview.pubsub.resources import Subscription
from liveview.socket.consumer import LiveConsumer

BOARD_PATH = "/ws/bench/board/"
CONTROL_PATH = "/ws/bench/control/"
BOARD_URI = "/bench/board"
BOARD_COLLECTION = "/bench/"
BOARD_NAME = "bench_board"
GROUP = "bench.board"
#: What the board shows; the control socket changes it before publishing.
BOARD: dict[str, int] = {"version": 0}
#: Every open board socket of this process, for the raw floor.
RAW_SOCKETS: dict[BoardConsumer, None] = {}
#: perf_counter_ns of the last trigger and of the last frame written to a board socket since.
CLOCK = {"triggered": 0, "last_send": 0}

_OPTIONS = [f"Option {chr(ord('A') + i)}" for i in range(12)]


def board_rows(version: int) -> list[tuple[str, int, int]]:
    """(name, votes, percent) per option: different numbers for every version."""
    votes = [(version * (i + 3) + i * 7) % 97 + 1 for i in range(len(_OPTIONS))]
    total = sum(votes)
    return [(name, v, 100 * v // total) for name, v in zip(_OPTIONS, votes, strict=True)]


@register(BOARD_NAME)
class Board(LiveComponent):
    viewer_independent = True
    template = (
        '<section class="results" data-version="{{ version }}">'
        "<h2>Results, version {{ version }}</h2><ol>"
        "{% for name, votes, percent in rows %}"
        '<li class="option"><span class="name">{{ name }}</span>'
        ' <meter min="0" max="100" value="{{ percent }}">{{ percent }}%</meter>'
        ' <span class="votes">{{ votes }} votes</span></li>'
        "{% endfor %}</ol></section>"
    )

    def mount(self, uri: str = BOARD_URI) -> None:
        self.uri = uri
        self.version = BOARD["version"]
        self.rows = board_rows(self.version)

    def subscriptions(self) -> list[Subscription]:
        return [self.uri]


def board_fragment(version: int, cid: str = "lv-1") -> str:
    """What liveview sends for the board at `version` (htmx 4), written by hand."""
    items = "".join(
        f'<li class="option"><span class="name">{name}</span>'
        f' <meter min="0" max="100" value="{percent}">{percent}%</meter>'
        f' <span class="votes">{votes} votes</span></li>'
        for name, votes, percent in board_rows(version)
    )
    return (
        f'<div id="{cid}" data-lv="{BOARD_NAME}" hx-swap-oob="outerMorph">'
        f'<section class="results" data-version="{version}">'
        f"<h2>Results, version {version}</h2><ol>{items}</ol></section></div>"
    )


class BoardConsumer(LiveConsumer):
    # The per-member baseline needs what LiveConsumer goes without: a layer channel per socket.
    channel_layer_alias = DEFAULT_CHANNEL_LAYER

    async def connect(self) -> None:
        await super().connect()
        if self.page is not None:
            RAW_SOCKETS[self] = None
            await self.channel_layer.group_add(GROUP, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if self in RAW_SOCKETS:
            del RAW_SOCKETS[self]
            await self.channel_layer.group_discard(GROUP, self.channel_name)
        await super().disconnect(code)

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        CLOCK["last_send"] = time.perf_counter_ns()

    async def bench_fragment(self, message: dict[str, Any]) -> None:
        """The per-member group_send baseline: forward the group message as the fragment."""
        await self.send(text_data=message["html"])


class ControlConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def dispatch(self, message: dict[str, Any]) -> None:
        # No per-frame thread hop (channels closes stale DB connections there): a trigger
        # starts its fan-out at once, whatever the kind.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        kind, _, arg = (text_data or "").partition(" ")
        if kind == "server":  # the last fan-out as the server saw it: trigger to last write
            elapsed = CLOCK["last_send"] - CLOCK["triggered"]
            await self.send(text_data=f"{elapsed / 1e6:.3f}")
            return
        CLOCK["triggered"] = time.perf_counter_ns()
        if kind in ("live", "raw", "group"):  # each moves the board on: a page opened later
            BOARD["version"] = int(arg)  # shows the last version
        if kind == "live":
            await apublish(changed("PUT", BOARD_URI, BOARD_COLLECTION, arg))
        elif kind == "raw":
            frame = board_fragment(BOARD["version"])
            for consumer in list(RAW_SOCKETS):
                await consumer.send(text_data=frame)
        elif kind == "group":
            html = board_fragment(BOARD["version"])
            await self.channel_layer.group_send(GROUP, {"type": "bench.fragment", "html": html})
        elif kind == "set":  # bench/redis_fanout.py: every process shows the same version
            BOARD["version"] = int(arg)
            await self.send(text_data="ok")
        elif kind == "count":
            await self.send(text_data=str(len(RAW_SOCKETS)))
        elif kind == "profile":
            await self.send(text_data=await _profile(arg == "on"))
        else:
            await self.close(code=4000)


# The event loop's thread and the sync worker's (where liveview renders): cProfile is per thread.
_profilers: list[cProfile.Profile] = []


async def _profile(on: bool) -> str:
    if on:
        loop_profiler, worker_profiler = cProfile.Profile(), cProfile.Profile()
        _profilers[:] = [loop_profiler, worker_profiler]
        await sync_to_async(worker_profiler.enable)()
        loop_profiler.enable()
        return "on"
    if not _profilers:
        return "profiler was off"
    loop_profiler, worker_profiler = _profilers
    loop_profiler.disable()
    await sync_to_async(worker_profiler.disable)()
    out = io.StringIO()
    stats = pstats.Stats(loop_profiler, stream=out)
    stats.add(worker_profiler)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()
