"""Floods: a socket sending events far faster than the rate is throttled, then closed with 1008,
while other sockets' events are all answered; connections per user and per IP are capped."""

from __future__ import annotations

import asyncio
import json
import re
import time
from types import SimpleNamespace

import pytest
from pytest_django.fixtures import Settings

import liveview.socket.limits
from liveview.socket import limits
from liveview.socket.limits import EventRate
from liveview.socket.protocol import CloseCode
from tests.support import LiveCommunicator, Spec, closed_with, communicator, connect, token

PAGE: Spec = ("test_recorder", "lv-1", {})
ADD = json.dumps({"lv": "lv-1", "event": "add"})
COUNT = re.compile(r">[^|<]*\|(\d+)\|")  # the <p> itself or its partial swap


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The event buckets' clock stands still: no token refills while a test runs, so what a
    flood gets through is an exact count, however busy the machine is."""
    now = time.monotonic() + 1e6  # after every bucket's start: each starts full
    monkeypatch.setattr(liveview.socket.limits, "time", SimpleNamespace(monotonic=lambda: now))


def test_the_bucket_allows_a_burst_then_the_rate(still_clock: None) -> None:
    rate = EventRate(rate=10, burst=5, tokens=5)
    assert [rate.allow() for _ in range(7)] == [True] * 5 + [False] * 2
    assert not rate.flooding
    rate.last -= 0.5  # half a second later: five more tokens
    assert [rate.allow() for _ in range(5)] == [True] * 5


def test_dropping_far_more_than_a_burst_is_a_flood(still_clock: None) -> None:
    rate = EventRate(rate=10, burst=5, tokens=5)
    for _ in range(11):
        rate.allow()
    assert rate.flooding


def count_in(frame: str) -> int:
    """The recorder's count in a frame it rendered."""
    found = COUNT.search(frame)
    assert found, frame
    return int(found[1])


async def flood_answers(comm: LiveCommunicator) -> tuple[list[int], int]:
    """The counts a flooding socket was answered with, and the code it was closed with."""
    counts: list[int] = []
    while True:
        message = await comm.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return counts, message["code"]
        counts.append(count_in(message["text"]))


async def test_a_flooding_socket_is_throttled_then_closed_with_1008(
    settings: Settings, still_clock: None
) -> None:
    settings.LIVEVIEW_EVENTS_PER_SECOND, settings.LIVEVIEW_EVENT_BURST = 20, 40
    comm, _ = await connect(PAGE)
    for _ in range(1000):
        await comm.send_to(text_data=ADD)
    # The burst is run, in order; the rest is dropped, and a burst's worth of drops closes it.
    assert await flood_answers(comm) == (list(range(1, 41)), CloseCode.POLICY_VIOLATION)


async def test_bystanders_are_all_answered_while_one_socket_floods(
    settings: Settings, still_clock: None
) -> None:
    settings.LIVEVIEW_EVENTS_PER_SECOND, settings.LIVEVIEW_EVENT_BURST = 1000, 40
    bystanders = [(await connect(PAGE))[0] for _ in range(50)]
    flooder, _ = await connect(PAGE)
    for _ in range(1000):  # the whole flood is queued before the bystanders' first event
        await flooder.send_to(text_data=ADD)

    async def rounds(comm: LiveCommunicator) -> list[int]:
        counts: list[int] = []
        for _ in range(8):
            await comm.send_to(text_data=ADD)
            counts.append(count_in(await comm.receive_from(timeout=5)))
        return counts

    # Every bystander's event runs and is answered, in order, despite the flood ahead of it;
    # the flood costs the server its burst of handlers and no more.
    assert await asyncio.gather(*(rounds(c) for c in bystanders)) == [list(range(1, 9))] * 50
    assert await flood_answers(flooder) == (list(range(1, 41)), CloseCode.POLICY_VIOLATION)
    for comm in bystanders:
        await comm.disconnect()


async def test_connections_per_ip_are_capped(settings: Settings) -> None:
    # Sockets other tests left open from this address count too: the cap is three more.
    settings.LIVEVIEW_MAX_CONNECTIONS_PER_IP = limits.connections().ips["127.0.0.1"] + 3
    open_ = [(await connect(PAGE))[0] for _ in range(3)]
    extra = communicator(token(PAGE))
    await extra.connect()
    assert await closed_with(extra) == CloseCode.TOO_MANY_CONNECTIONS
    await open_[0].disconnect()  # one leaves: room for the next
    again, _ = await connect(PAGE)
    for comm in [*open_[1:], again]:
        await comm.disconnect()
