"""Who makes the hubs and who ends them: the app's ready() installs the process's registry
(with the sockets' delivery and the hooks), the server's lifespan opens this loop's hub at
startup and closes it at shutdown, and a registry of a test's own leaves nothing behind."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer

from liveview.batteries import job_watch
from liveview.batteries.job_watch import topic_joined
from liveview.models import JOBS_COLLECTION
from liveview.pubsub import hubs, presence
from liveview.pubsub.hub import Hub, ResourceChanged, all_hubs, existing_hub
from liveview.pubsub.presence import reload_before_delivery
from liveview.socket import consumer
from tests.support import serve


class Page:
    def __init__(self, origin: str = "page-1") -> None:
        self.origin = origin


def test_the_app_installs_the_registry_with_the_sockets_delivery_and_the_hooks() -> None:
    installed = hubs.installed()
    assert installed.deliver is consumer.deliver
    assert topic_joined in installed.hooks.topic_joined
    assert reload_before_delivery in installed.hooks.before_delivery
    assert job_watch.stop in installed.closing and presence.close_loop in installed.closing


def test_a_hook_is_registered_once_through_the_registry() -> None:
    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        pass

    registry = hubs.Hubs(deliver)
    seen: list[str] = []
    registry.on_topic_joined(seen.append)
    registry.on_topic_joined(seen.append)
    assert registry.hooks.topic_joined == [seen.append]


async def test_the_lifespan_opens_this_loops_hub_at_startup_and_closes_it_at_shutdown() -> None:
    assert existing_hub() is None
    opened: list[Hub | None] = []

    async def a_page_follows_a_topic() -> None:
        hub = existing_hub()
        opened.append(hub)
        assert hub is not None
        await hub.set_topics(Page(), frozenset({"/things/1"}))

    answers = await serve(a_page_follows_a_topic)
    assert answers == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    (hub,) = opened
    assert isinstance(hub, Hub)
    assert hub.deliver is consumer.deliver
    assert existing_hub() is None and hub not in all_hubs()
    assert hub.members == {} and hub.channel is None and not hub.running


async def test_the_lifespan_shutdown_ends_this_loops_job_watcher(settings: Any) -> None:
    settings.LIVEVIEW_JOBS_POLL = True
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[None]] = []

    async def a_page_shows_a_job() -> None:
        topic_joined(f"{JOBS_COLLECTION}1")  # the hub's hook: the watcher starts
        started.append(job_watch._watchers[loop])

    assert await serve(a_page_shows_a_job) == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    (watcher,) = started
    assert watcher.cancelled() and loop not in job_watch._watchers


async def test_a_close_hook_that_fails_fails_the_shutdown_after_the_others_ran() -> None:
    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        pass

    registry = hubs.Hubs(deliver, layer=lambda: InMemoryChannelLayer())
    hub = registry.open()
    ran: list[str] = []

    async def broken() -> None:
        ran.append("broken")
        raise OSError("gone")

    async def fine() -> None:
        ran.append("fine")

    registry.on_close(broken)
    registry.on_close(fine)
    registry.on_close(fine)  # once
    with pytest.raises(OSError, match="gone"):
        await registry.close()
    assert ran == ["broken", "fine"] and registry.current() is None
    assert hub is not None and not hub.running


async def test_every_close_hook_that_fails_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """The first failure fails the shutdown (the lifespan logs it); a later one is not lost."""

    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        pass

    registry = hubs.Hubs(deliver, layer=lambda: InMemoryChannelLayer())
    registry.open()

    async def first() -> None:
        raise OSError("first gone")

    async def second() -> None:
        raise RuntimeError("second gone")

    registry.on_close(first)
    registry.on_close(second)
    with caplog.at_level(logging.ERROR, logger="liveview"), pytest.raises(OSError, match="first"):
        await registry.close()
    logged = [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
    assert logged == ["second gone"]  # the first is raised (the lifespan logs it), not twice


async def test_a_close_hook_that_fails_after_the_hub_failed_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        pass

    registry = hubs.Hubs(deliver, layer=lambda: InMemoryChannelLayer())
    hub = registry.open()
    assert hub is not None

    async def hub_fails() -> None:
        raise OSError("hub gone")

    async def hook() -> None:
        raise RuntimeError("hook gone")

    monkeypatch.setattr(hub, "close", hub_fails)
    registry.on_close(hook)
    with caplog.at_level(logging.ERROR, logger="liveview"), pytest.raises(OSError, match="hub"):
        await registry.close()
    assert [str(r.exc_info[1]) for r in caplog.records if r.exc_info] == ["hook gone"]


async def test_a_registry_of_a_tests_own_opens_and_closes_a_hub_leaving_nothing() -> None:
    delivered: list[dict[Any, list[ResourceChanged]]] = []

    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        delivered.append(targets)

    layer = InMemoryChannelLayer()
    registry = hubs.Hubs(deliver, layer=lambda: layer)
    hub = registry.open()
    assert hub is not None and registry.open() is hub and registry.all() == [hub]
    assert existing_hub() is None  # the process's registry knows nothing of it
    page = Page()
    await hub.set_topics(page, frozenset({"/things/1"}))
    assert hub.running and layer.groups
    await registry.close()
    assert registry.all() == [] and registry.current() is None
    assert not hub.running and hub.channel is None and hub.members == {}
    assert not any(layer.groups.values())


async def test_without_the_app_the_hubs_say_what_is_missing() -> None:
    before = hubs.installed()
    hubs.uninstall()
    try:
        with pytest.raises(RuntimeError, match="INSTALLED_APPS"):
            hubs.installed()
        assert existing_hub() is None and all_hubs() == []
        hubs.publish_failed()  # nothing to tell: no error
    finally:
        hubs.install(before)


async def test_a_layer_that_does_not_answer_at_shutdown_does_not_hold_the_close() -> None:
    class Stuck(InMemoryChannelLayer):  # type: ignore[misc]  # channels is untyped
        async def group_discard(self, group: str, channel: str) -> None:
            await asyncio.Event().wait()

    async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
        pass

    layer = Stuck()
    hub = Hub(layer, deliver)
    await hub.set_topics(Page(), frozenset({"/things/1"}))
    await hub.close(timeout=0.05)
    assert not hub.running and hub.members == {} and hub.channel is None
