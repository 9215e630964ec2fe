# Who makes the hubs and who ends them. The app's ready() installs the process's registry with
# the sockets' delivery and the hooks; each event loop's hub is opened by the server's lifespan
# at startup (liveview.socket.lifespan) and closed at its shutdown, with what else the loop holds
# (the app's `on_close` hooks: a presence registry, the job watcher). Under a server that sends
# no lifespan (daphne, runserver, a test's communicator) a loop's hub is opened by its first
# socket, through the same registry; it then lives as long as the loop.
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable

from channels.layers import BaseChannelLayer, get_channel_layer

from liveview.core.installed import Installed
from liveview.pubsub.subscriptions import BeforeDelivery, Deliver, Hub, HubHooks, TopicJoined

logger = logging.getLogger("liveview")

#: What else an event loop holds, ended with its hub: `hook()` is awaited on that loop.
LoopClosing = Callable[[], Awaitable[None]]


class Hubs:
    """The hubs of one process, one per event loop, all with the same delivery and hooks."""

    def __init__(
        self,
        deliver: Deliver,
        layer: Callable[[], BaseChannelLayer | None] = get_channel_layer,
    ) -> None:
        self.deliver = deliver
        self.hooks = HubHooks()
        self._layer = layer
        self._hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = (
            weakref.WeakKeyDictionary()
        )
        #: Awaited, in order, when a loop's hub closes (`on_close`).
        self.closing: list[LoopClosing] = []

    def on_topic_joined(self, hook: TopicJoined) -> None:
        """Call `hook(topic)` on the hub's loop with each topic a hub starts following."""
        if hook not in self.hooks.topic_joined:
            self.hooks.topic_joined.append(hook)

    def before_delivery(self, hook: BeforeDelivery) -> None:
        """Await `hook(changes)` with each batch of changes before a hub delivers it."""
        if hook not in self.hooks.before_delivery:
            self.hooks.before_delivery.append(hook)

    def on_close(self, hook: LoopClosing) -> None:
        """Await `hook()` on a loop when its hub closes (the server's shutdown): what else the
        loop holds for the process (a presence registry, the job watcher) ends with it."""
        if hook not in self.closing:
            self.closing.append(hook)

    def open(self) -> Hub | None:
        """This loop's hub, opened now if it is not yet; None with no channel layer configured."""
        loop = asyncio.get_running_loop()
        current = self._hubs.get(loop)
        if current is None:
            layer = self._layer()
            if layer is None:
                return None
            current = self._hubs[loop] = Hub(layer, self.deliver, self.hooks)
        return current

    def current(self) -> Hub | None:
        """This loop's hub if it is open; None outside an event loop."""
        try:
            return self._hubs.get(asyncio.get_running_loop())
        except RuntimeError:
            return None

    def all(self) -> list[Hub]:
        """Every open hub, one per event loop."""
        return list(self._hubs.values())

    async def close(self) -> None:
        """Close this loop's hub (its groups left, its tasks ended) and forget it, then await
        each `on_close` hook; every hook runs, the first failure (the hub's or a hook's) is
        raised after them, each later one logged."""
        current = self._hubs.pop(asyncio.get_running_loop(), None)
        failures: list[Exception] = []
        try:
            if current is not None:
                await current.close()
        except Exception as exc:
            failures.append(exc)
        finally:
            for hook in self.closing:
                try:
                    await hook()
                except Exception as exc:
                    if failures:
                        logger.exception("liveview: a hook ending this loop (%s) failed too", hook)
                    failures.append(exc)
        if failures:
            raise failures[0]

    def publish_failed(self) -> None:
        """A publish from this process failed: every hub resyncs, each on its own loop."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, each in list(self._hubs.items()):
            if loop is running:
                each.publish_failed()
            elif not loop.is_closed():
                loop.call_soon_threadsafe(each.publish_failed)


_slot: Installed[Hubs] = Installed("hubs are")
#: Make a registry the process's (the app's ready() does, once); returns it.
install = _slot.install
is_installed = _slot.is_installed
uninstall = _slot.uninstall
#: The process's registry; a clear error when the app has not installed one.
installed = _slot.get


def existing_hub() -> Hub | None:
    """This loop's hub if it is open (for tests and the inspector)."""
    registry = _slot.peek()
    return None if registry is None else registry.current()


def all_hubs() -> list[Hub]:
    """Every hub of this process, one per event loop (for the inspector)."""
    registry = _slot.peek()
    return [] if registry is None else registry.all()


def publish_failed() -> None:
    """Called by `apublish` when the layer refused a change: every hub here resyncs."""
    registry = _slot.peek()
    if registry is not None:
        registry.publish_failed()
