"""Ticking components: `tick()` and a re-render every `tick_every` seconds, only while open."""

from __future__ import annotations

import asyncio

from django_components import register

from liveview import LiveComponent
from liveview.core import metrics
from tests.support import connect


@register("test_ticker")
class Ticker(LiveComponent):
    template = "<p>ticks={{ ticks }}</p>"
    tick_every = 0.02
    ticks: int = 0

    def tick(self) -> None:
        self.ticks += 1


@register("test_bad_ticker")
class BadTicker(LiveComponent):
    template = "<p>ok</p>"
    tick_every = 0.02

    def tick(self) -> None:
        raise ValueError("tick broke")


def tickers() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "liveview-ticker"]


async def test_a_ticking_component_is_sent_after_each_tick() -> None:
    comm, first = await connect(("test_ticker", "lv-1", {}))
    assert "ticks=0" in first
    assert "ticks=1" in await comm.receive_from()
    assert "ticks=2" in await comm.receive_from()
    await comm.disconnect()


async def test_the_ticker_stops_when_the_socket_closes() -> None:
    comm, _ = await connect(("test_ticker", "lv-1", {}))
    running = tickers()
    assert len(running) == 1
    await comm.disconnect()
    done, _ = await asyncio.wait(running, timeout=2)
    assert done == set(running) and running[0].cancelled()


async def test_a_page_without_ticking_components_has_no_ticker() -> None:
    comm, _ = await connect(("test_greeter", "lv-1", {}))
    assert tickers() == []
    await comm.disconnect()


async def test_a_failing_tick_shows_an_error_and_keeps_the_socket() -> None:
    metrics.reset()
    comm, _ = await connect(("test_bad_ticker", "lv-1", {}), ("test_ticker", "lv-2", {}))
    frame = await comm.receive_from()
    assert "Something went wrong while updating." in frame and "ticks=1" in frame
    assert "ticks=2" in await comm.receive_from()  # the other component keeps ticking
    assert metrics.metrics.errors[0].event == "tick"
    await comm.disconnect()
