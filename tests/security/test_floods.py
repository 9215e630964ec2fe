"""Floods: a socket sending events far faster than the rate is throttled, then closed with 1008,
while other sockets keep their latency; connections per user and per IP are capped."""

from __future__ import annotations

import asyncio
import json
import statistics
import time

from pytest_django.fixtures import Settings

from liveview.limits import EventRate, connections
from liveview.protocol import CloseCode
from tests.support import LiveCommunicator, Spec, closed_with, communicator, connect, token

PAGE: Spec = ("test_recorder", "lv-1", {})
ADD = json.dumps({"lv": "lv-1", "event": "add"})


def test_the_bucket_allows_a_burst_then_the_rate() -> None:
    rate = EventRate(rate=10, burst=5, tokens=5)
    assert [rate.allow() for _ in range(7)] == [True] * 5 + [False] * 2
    assert not rate.flooding
    rate.last -= 0.5  # half a second later: five more tokens
    assert [rate.allow() for _ in range(5)] == [True] * 5


def test_dropping_far_more_than_a_burst_is_a_flood() -> None:
    rate = EventRate(rate=10, burst=5, tokens=5)
    for _ in range(11):
        rate.allow()
    assert rate.flooding


async def test_a_flooding_socket_is_throttled_then_closed_with_1008(settings: Settings) -> None:
    settings.LIVEVIEW_EVENTS_PER_SECOND, settings.LIVEVIEW_EVENT_BURST = 20, 40
    comm, _ = await connect(PAGE)
    for _ in range(1000):
        await comm.send_to(text_data=ADD)
    answered = 0
    while True:
        message = await comm.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            assert message["code"] == CloseCode.POLICY_VIOLATION
            break
        answered += 1
    # Throttled: the burst (and what the rate refilled meanwhile) was run, the rest dropped.
    assert 40 <= answered < 200, answered


async def round_trip(comm: LiveCommunicator) -> float:
    start = time.perf_counter()
    await comm.send_to(text_data=ADD)
    await comm.receive_from(timeout=5)
    return time.perf_counter() - start


async def test_bystanders_keep_their_latency_while_one_socket_floods(settings: Settings) -> None:
    settings.LIVEVIEW_EVENTS_PER_SECOND, settings.LIVEVIEW_EVENT_BURST = 1000, 40
    bystanders = [(await connect(PAGE))[0] for _ in range(50)]

    async def latencies() -> list[float]:
        samples = []
        for _ in range(8):
            samples += await asyncio.gather(*(round_trip(c) for c in bystanders))
        return samples

    await latencies()  # warm up
    quiet = statistics.median(await latencies())
    flooder, _ = await connect(PAGE)

    async def flood() -> None:
        for _ in range(1000):  # 1,000 events as fast as the loop takes them
            await flooder.send_to(text_data=ADD)
            await asyncio.sleep(0)

    flooding = asyncio.create_task(flood())
    during = statistics.median(await latencies())
    await flooding
    assert during <= 2 * quiet, (
        f"median {during * 1e3:.2f} ms under flood, {quiet * 1e3:.2f} ms quiet"
    )
    for comm in bystanders:
        await comm.disconnect()
    await flooder.disconnect()


async def test_connections_per_ip_are_capped(settings: Settings) -> None:
    # Sockets other tests left open from this address count too: the cap is three more.
    settings.LIVEVIEW_MAX_CONNECTIONS_PER_IP = connections.ips["127.0.0.1"] + 3
    open_ = [(await connect(PAGE))[0] for _ in range(3)]
    extra = communicator(token(PAGE))
    await extra.connect()
    assert await closed_with(extra) == CloseCode.TOO_MANY_CONNECTIONS
    await open_[0].disconnect()  # one leaves: room for the next
    again, _ = await connect(PAGE)
    for comm in [*open_[1:], again]:
        await comm.disconnect()
