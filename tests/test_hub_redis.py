"""The hub on a real redis-server: a publish while Redis is down is logged, not raised, and when
Redis is back every page subscribed in the process reloads what it shows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer

from bench.redis_server import RedisServer
from liveview.pubsub import heartbeat, hubs
from liveview.pubsub.hub import Hub
from liveview.pubsub.publish import apublish, publish
from liveview.pubsub.resources import ResourceChanged

TIMEOUT = 20.0  # seconds


class Page:
    def __init__(self, origin: str) -> None:
        self.origin = origin


class Deliveries:
    """What the hub handed over, per page, and an event for each delivery."""

    def __init__(self) -> None:
        self.got: list[dict[Any, list[ResourceChanged]]] = []
        self.arrived = asyncio.Event()

    async def __call__(self, targets: dict[Any, list[ResourceChanged]]) -> None:
        self.got.append(targets)
        self.arrived.set()

    async def next(self) -> dict[Any, list[ResourceChanged]]:
        await asyncio.wait_for(self.arrived.wait(), TIMEOUT)
        self.arrived.clear()
        return self.got.pop(0)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heartbeat, "HEARTBEAT_INTERVAL", 0.1)
    monkeypatch.setattr(heartbeat, "HEARTBEAT_TIMEOUT", 0.5)


@pytest.fixture
async def layer(redis: RedisServer, settings: Any) -> AsyncIterator[RedisPubSubChannelLayer]:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url, "socket_connect_timeout": 1}]},
        }
    }
    current = get_channel_layer()
    assert isinstance(current, RedisPubSubChannelLayer)
    yield current
    await current.flush()


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.02)


def put(uri: str, etag: str) -> ResourceChanged:
    return ResourceChanged("PUT", uri, "/things/", etag)


async def test_a_publish_while_redis_is_down_is_logged_not_raised(
    layer: RedisPubSubChannelLayer, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis.stop()
    with caplog.at_level(logging.ERROR, logger="liveview"):
        await apublish(put("/things/1", "e1"))
    assert "publishing PUT /things/1 failed" in caplog.text


async def test_every_page_reloads_when_redis_is_back(
    layer: RedisPubSubChannelLayer, redis: RedisServer, fast_heartbeat: None
) -> None:
    deliveries = Deliveries()
    hub = Hub(layer, deliveries)
    one, two = Page("one"), Page("two")
    await hub.set_topics(one, frozenset({"/things/1"}))
    await hub.set_topics(two, frozenset({"/things/2", "/things/"}))
    redis.stop()
    await until(lambda: not hub.healthy)
    await apublish(put("/things/1", "lost"))  # never arrives: Redis is down
    redis.start()
    reloads = await deliveries.next()
    assert hub.healthy and hub.recoveries == 1
    assert {c.uri for c in reloads[one]} == {"/things/1"}
    assert {c.uri for c in reloads[two]} == {"/things/2", "/things/"}
    assert all(c.etag is None for changes in reloads.values() for c in changes)
    await apublish(put("/things/1", "after"))  # and changes flow again
    live = await deliveries.next()
    assert [c.etag for c in live[one]] == ["after"]
    await hub.leave(one)
    await hub.leave(two)


async def test_a_page_that_subscribes_while_redis_is_down_gets_changes_once_it_is_back(
    layer: RedisPubSubChannelLayer, redis: RedisServer, fast_heartbeat: None
) -> None:
    deliveries = Deliveries()
    hub = Hub(layer, deliveries)
    redis.stop()
    page = Page("page")
    assert await hub.set_topics(page, frozenset({"/things/3"})) == {"/things/3"}
    assert not hub.healthy
    redis.start()
    reloads = await deliveries.next()
    assert [c.uri for c in reloads[page]] == ["/things/3"]
    await apublish(put("/things/3", "e3"))
    live = await deliveries.next()
    assert [c.etag for c in live[page]] == ["e3"]
    await hub.leave(page)


async def test_heartbeats_on_a_healthy_layer_reload_nothing(
    layer: RedisPubSubChannelLayer, fast_heartbeat: None
) -> None:
    deliveries = Deliveries()
    hub = Hub(layer, deliveries)
    page = Page("page")
    await hub.set_topics(page, frozenset({"/things/4"}))
    beats = hub._beat_seen
    await until(lambda: hub._beat_seen >= beats + 5)
    assert hub.healthy and hub.recoveries == 0 and deliveries.got == []
    await hub.leave(page)


@pytest.fixture
def no_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watch sleeps through the test: each heartbeat is one `hub.beat()` the test makes."""

    async def sleep_through(hub: Hub) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(Hub, "_watch", sleep_through)
    monkeypatch.setattr(heartbeat, "HEARTBEAT_TIMEOUT", 5.0)


@pytest.fixture(autouse=True)
def own_registry() -> Iterator[None]:
    """The process's registry swapped for the test's (loop_hub fills it), put back after."""
    before = hubs.installed()
    yield
    hubs.install(before)


def loop_hub(layer: RedisPubSubChannelLayer, deliver: Deliveries) -> Hub:
    """This event loop's hub, opened by a registry of the test's own with its delivery."""
    made = hubs.install(hubs.Hubs(deliver, layer=lambda: layer)).open()
    assert made is not None
    return made


async def test_a_failed_publish_between_two_heartbeats_reloads_every_page_at_the_next(
    layer: RedisPubSubChannelLayer, redis: RedisServer, no_heartbeat: None
) -> None:
    deliveries = Deliveries()
    hub = loop_hub(layer, deliveries)
    page = Page("page")
    await hub.set_topics(page, frozenset({"/things/5"}))
    await hub.beat()
    assert hub.healthy
    redis.stop()  # an outage shorter than a heartbeat: none is sent while Redis is down
    await apublish(put("/things/5", "lost"))
    assert not hub.healthy
    redis.start()
    async with asyncio.timeout(TIMEOUT):
        while not hub.healthy:  # the first beats may be lost while the layer reconnects
            await hub.beat()
    reloads = await deliveries.next()
    assert hub.healthy and hub.recoveries == 1
    assert [(c.uri, c.etag) for c in reloads[page]] == [("/things/5", None)]
    await hub.leave(page)


async def test_a_failed_publish_from_a_sync_thread_marks_the_hub_of_the_pages(
    layer: RedisPubSubChannelLayer, redis: RedisServer, no_heartbeat: None
) -> None:
    hub = loop_hub(layer, Deliveries())
    page = Page("page")
    await hub.set_topics(page, frozenset({"/things/6"}))
    redis.stop()
    await sync_to_async(publish)(put("/things/6", "lost"))  # a view, a signal, the shell
    await until(lambda: not hub.healthy)
    await hub.leave(page)


async def test_a_failed_publish_leaves_a_hub_without_pages_healthy(
    layer: RedisPubSubChannelLayer, redis: RedisServer, no_heartbeat: None
) -> None:
    hub = loop_hub(layer, Deliveries())
    redis.stop()
    await apublish(put("/things/7", "lost"))
    assert hub.healthy  # nothing here shows it: nothing to reload


async def test_the_first_heartbeat_round_after_redis_is_back_recovers(
    layer: RedisPubSubChannelLayer, redis: RedisServer, no_heartbeat: None
) -> None:
    # The pub/sub layer resubscribes up to a second after a send works again: a heartbeat sent
    # before that is lost, and the round goes on with another instead of waiting it out.
    deliveries = Deliveries()
    hub = loop_hub(layer, deliveries)
    page = Page("page")
    await hub.set_topics(page, frozenset({"/things/8"}))
    await hub.beat()
    redis.stop()
    await hub.beat()
    assert not hub.healthy
    # In a thread, as another process restarts it: the layer's receive loop keeps its pace.
    await asyncio.to_thread(redis.start)
    await hub.beat()
    assert hub.healthy and hub.recoveries == 1
    reloads = await deliveries.next()
    assert [(c.uri, c.etag) for c in reloads[page]] == [("/things/8", None)]
    await hub.leave(page)


async def test_a_restart_between_two_heartbeats_is_noticed_and_recovered_in_one_round(
    layer: RedisPubSubChannelLayer, redis: RedisServer, no_heartbeat: None
) -> None:
    deliveries = Deliveries()
    hub = loop_hub(layer, deliveries)
    page = Page("page")
    await hub.set_topics(page, frozenset({"/things/9"}))
    await hub.beat()
    # No heartbeat sees Redis down; the first after the restart is lost (its connection was
    # closed by the restart), the next one comes back: noticed and recovered in one round.
    redis.stop()
    redis.start()
    await hub.beat()
    assert hub.healthy and hub.recoveries == 1
    reloads = await deliveries.next()
    assert [(c.uri, c.etag) for c in reloads[page]] == [("/things/9", None)]
    await hub.leave(page)
