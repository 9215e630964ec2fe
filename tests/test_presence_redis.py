"""Presence on a real redis-server: two registries stand for two server processes. A process
that dies without a word (SIGKILL) stops refreshing its viewers; they expire within the TTL.
The clock is injected and advanced: nothing here waits for time to pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bench.redis_server import RedisServer
from liveview.pubsub import presence, presence_registry
from liveview.pubsub.presence_registry import RedisRegistry, Viewer
from liveview.testing import LiveClient
from project.polls.models import Choice, Poll
from tests.support import serve

TOPIC, OTHER = "/polls/1", "/polls/2"
TTL = 5.0
ALICE, BOB, CAROL = Viewer("u:1", "alice"), Viewer("u:2", "bob"), Viewer("u:3", "carol")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Announced(list[str]):
    async def __call__(self, topic: str) -> None:
        self.append(topic)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def client(redis: RedisServer) -> AsyncIterator[Redis]:
    connection = Redis.from_url(redis.url)
    yield connection
    await connection.aclose()


def process(client: Redis, clock: Clock, announced: Announced) -> RedisRegistry:
    """One server process's registry, refreshed only when the test says so."""
    return RedisRegistry(client, ttl=TTL, interval=None, clock=clock, announce=announced)


async def test_two_processes_see_each_others_viewers(client: Redis) -> None:
    clock, announced = Clock(), Announced()
    one, two = process(client, clock, announced), process(client, clock, announced)
    await one.join("page-a", ALICE, [TOPIC])
    await two.join("page-b", BOB, [TOPIC])
    await one.reload([TOPIC])  # what a process does when the announcement reaches it
    assert set(one.viewers(TOPIC)) == set(two.viewers(TOPIC)) == {ALICE, BOB}
    assert announced == [TOPIC, TOPIC]


async def test_a_closed_socket_leaves_at_once(client: Redis) -> None:
    clock, announced = Clock(), Announced()
    one, two = process(client, clock, announced), process(client, clock, announced)
    await one.join("page-a", ALICE, [TOPIC])
    await two.join("page-b", BOB, [TOPIC])
    await two.leave("page-b", [TOPIC])
    await one.reload([TOPIC])
    assert one.viewers(TOPIC) == [ALICE]
    assert announced[-1] == TOPIC


async def test_a_process_that_shuts_down_takes_its_viewers_with_it(client: Redis) -> None:
    """Its lifespan shutdown closes its registry: its viewers leave Redis at once, and every
    process showing their topics is told, as when each socket leaves (no wait for the TTL)."""
    clock, announced = Clock(), Announced()
    stopping, alive = process(client, clock, announced), process(client, clock, announced)
    await stopping.join("page-a", ALICE, [TOPIC, OTHER])
    await stopping.join("page-c", CAROL, [TOPIC])
    await alive.join("page-b", BOB, [TOPIC])
    announced.clear()
    await stopping.close()
    assert sorted(announced) == sorted([TOPIC, OTHER])
    await alive.reload([TOPIC])
    assert alive.viewers(TOPIC) == [BOB]
    assert await client.zcard(presence_registry._key(TOPIC)) == 1
    assert await client.zcard(presence_registry._key(OTHER)) == 0
    assert stopping.viewers(TOPIC) == []


async def test_a_closed_registry_starts_no_refresh_task_for_a_late_join(
    client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """A socket that joins after the lifespan shutdown closed its registry (the shutdown under
    way) gets no refresh task on it: nothing would end that one."""
    clock, announced = Clock(), Announced()
    closing = RedisRegistry(client, ttl=TTL, interval=60, clock=clock, announce=announced)
    await closing.join("page-a", ALICE, [TOPIC])
    assert len(refreshing()) == 1
    await closing.close()
    assert refreshing() == []
    caplog.set_level(logging.DEBUG, logger="liveview")
    try:
        await closing.join("page-b", BOB, [TOPIC])
        assert refreshing() == []
        assert "presence registry is closed" in caplog.text
    finally:
        await closing.close()  # what the old code started, ended


async def test_a_socket_that_joins_a_closed_registry_expires_within_the_ttl(
    client: Redis,
) -> None:
    """Listed as usual, never refreshed (its process shuts down): docs/presence.md."""
    clock, announced = Clock(), Announced()
    closing, alive = process(client, clock, announced), process(client, clock, announced)
    await alive.join("page-a", ALICE, [TOPIC])
    await closing.close()
    await closing.join("page-b", BOB, [TOPIC])
    for _ in range(int(TTL) - 1):
        clock.now += 1
        await alive.refresh()
    assert set(alive.viewers(TOPIC)) == {ALICE, BOB}
    clock.now += 1.5
    assert await alive.refresh() == [TOPIC]
    assert alive.viewers(TOPIC) == [ALICE]


async def test_a_killed_process_viewers_expire_within_the_ttl(client: Redis) -> None:
    clock, announced = Clock(), Announced()
    killed, alive = process(client, clock, announced), process(client, clock, announced)
    await killed.join("page-a", ALICE, [TOPIC])
    await alive.join("page-b", BOB, [TOPIC])
    announced.clear()
    # `killed` never runs again: no leave, no refresh. `alive` refreshes every second.
    for _ in range(int(TTL) - 1):
        clock.now += 1
        assert await alive.refresh() == []
    assert set(alive.viewers(TOPIC)) == {ALICE, BOB}  # within the TTL: still listed
    clock.now += 1.5
    assert await alive.refresh() == [TOPIC]
    assert alive.viewers(TOPIC) == [BOB]
    assert announced == [TOPIC]  # every page showing it re-renders
    assert (
        await client.zcard(presence_registry._key(TOPIC)) == 1
    )  # the ghost is gone from Redis too


async def test_a_live_process_keeps_its_viewers_past_the_ttl(client: Redis) -> None:
    clock, announced = Clock(), Announced()
    one, two = process(client, clock, announced), process(client, clock, announced)
    await one.join("page-a", ALICE, [TOPIC])
    await two.join("page-b", BOB, [TOPIC])
    for _ in range(3 * int(TTL)):
        clock.now += 1
        await one.refresh()
        await two.refresh()
    assert set(two.viewers(TOPIC)) == {ALICE, BOB}


async def test_a_refresh_puts_back_viewers_lost_while_a_process_stalled(client: Redis) -> None:
    """A process stalled past the TTL (or cut off from Redis) is listed again once it refreshes."""
    clock, announced = Clock(), Announced()
    stalled, other = process(client, clock, announced), process(client, clock, announced)
    await stalled.join("page-a", ALICE, [TOPIC])
    await other.join("page-b", BOB, [TOPIC])
    clock.now += TTL + 1
    await other.refresh()
    assert other.viewers(TOPIC) == [BOB]
    await stalled.refresh()
    await other.reload([TOPIC])
    assert set(other.viewers(TOPIC)) == {ALICE, BOB}


async def test_an_unreachable_redis_is_logged_not_raised(
    redis: RedisServer, client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    clock, announced = Clock(), Announced()
    one = process(client, clock, announced)
    redis.stop()
    await one.join("page-a", ALICE, [TOPIC])  # a socket's connect never fails on presence
    await one.join("page-b", BOB, [TOPIC])
    await one.leave("page-a", [TOPIC])
    assert "presence on Redis failed" in caplog.text
    announced.clear()
    await one.close()  # nor the server's shutdown, which announces nothing: nobody can read
    assert announced == [] and one.viewers(TOPIC) == []  # Redis, where they expire in the TTL


@pytest.mark.django_db(transaction=True)
async def test_pages_on_the_redis_layer_see_each_other_come_and_go(
    redis: RedisServer, settings: Any
) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url, "socket_connect_timeout": 1}]},
        }
    }
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.acreate(poll=poll, text="Pizza")
    async with LiveClient() as first, LiveClient() as second:
        one = await first.open(f"/polls/{poll.pk}/")
        assert isinstance(presence.registry(), RedisRegistry)
        two = await second.open(f"/polls/{poll.pk}/")
        while two.text(".viewers") != "2 people viewing":  # its own join's announcement
            await two.next_frame()
        while one.text(".viewers") != "2 people viewing":
            await one.next_frame()
        await two.close()
        while one.text(".viewers") != "1 person viewing":
            await one.next_frame()


@pytest.mark.django_db(transaction=True)
async def test_a_page_sees_a_viewer_of_another_process_come_and_go(
    redis: RedisServer, client: Redis, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's join reaches this one as a published change; this process reads the
    viewers again before its pages render (the hub's before-delivery hook)."""
    # No refresh comes to the rescue: only the announcement can bring the news.
    monkeypatch.setattr(presence_registry, "REFRESH_INTERVAL", 3600.0)
    settings.LIVEVIEW_PRESENCE_TTL = 3 * 3600.0
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url, "socket_connect_timeout": 1}]},
        }
    }
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.acreate(poll=poll, text="Pizza")
    elsewhere = RedisRegistry(client, ttl=TTL, interval=None, announce=presence.announce)
    async with LiveClient() as browser:
        page = await browser.open(f"/polls/{poll.pk}/")
        await elsewhere.join("page-x", BOB, [f"/polls/{poll.pk}"])
        while page.text(".viewers") != "2 people viewing":
            await page.next_frame()
        await elsewhere.leave("page-x", [f"/polls/{poll.pk}"])
        while page.text(".viewers") != "1 person viewing":
            await page.next_frame()


async def test_the_lifespan_shutdown_ends_this_loops_registry(
    redis: RedisServer, client: Redis, settings: Any
) -> None:
    """Its viewers leave Redis, its refresh task ends and its connection closes."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url, "socket_connect_timeout": 1}]},
        }
    }
    loop = asyncio.get_running_loop()

    async def a_page_joins() -> None:
        found = presence.registry()
        assert isinstance(found, RedisRegistry)
        await found.join("page-1", ALICE, [TOPIC])
        assert await presence_connections(client) == 1 and len(refreshing()) == 1

    await serve(a_page_joins)
    assert await presence_connections(client) == 0 and refreshing() == []
    assert loop not in presence._redis  # the next socket makes a new one
    assert await client.zcard(presence_registry._key(TOPIC)) == 0  # its viewer left with it


def refreshing() -> list[asyncio.Task[object]]:
    """The presence refresh tasks still running on this loop."""
    return [t for t in asyncio.all_tasks() if t.get_name() == "liveview-presence" and not t.done()]


async def presence_connections(client: Redis) -> int:
    """How many connections to the server last read presence (ZRANGE) or removed a viewer
    (ZREM): the registry's, while it is open."""
    return sum(1 for c in await client.client_list() if c.get("cmd") in ("zrange", "zrem"))
