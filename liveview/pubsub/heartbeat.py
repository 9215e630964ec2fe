# Across processes (Redis) the hub watches the layer: a heartbeat through it every second; when
# one is lost, changes may have been lost too, so once heartbeats come back every page
# subscribed here reloads what it shows from the database. A heartbeat not back yet is followed
# by another every PROBE_INTERVAL: the first that arrives ends the wait, so recovery waits for
# the layer's reconnect, not for a timeout.
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from channels.layers import BaseChannelLayer

from liveview.pubsub.messages import ResourceChanged, group_name, reload_change
from liveview.pubsub.received import Received

logger = logging.getLogger("liveview")

#: Seconds between two heartbeats through the layer, and how long one may take to come back.
HEARTBEAT_INTERVAL = 1.0
HEARTBEAT_TIMEOUT = 3.0
#: Seconds between the heartbeats of one round (and between rounds while the layer is down).
PROBE_INTERVAL = 0.2
HEARTBEAT_TYPE = "liveview.heartbeat"


class Heartbeat:
    """The layer-watching part of `Hub` (liveview.pubsub.subscriptions)."""

    layer: BaseChannelLayer
    members: dict[str, set[Any]]
    topics_of: dict[Any, frozenset[str]]
    received: Received
    healthy: bool
    recoveries: int
    _watched: bool
    _lock: asyncio.Lock
    _queue: asyncio.Queue[ResourceChanged]

    if TYPE_CHECKING:

        async def _open_channel(self) -> str: ...

    def _start_heartbeat(self) -> None:
        self._beat_seen = 0
        #: The heartbeats that came back lately: the first of a round missing = one was lost.
        self._beats_back: deque[int] = deque(maxlen=64)
        self._beats = 0
        self._beat_event = asyncio.Event()

    def _beat_back(self, beat: object) -> None:
        """A heartbeat came back through the layer."""
        if isinstance(beat, int) and beat > self._beat_seen:
            self._beat_seen = beat
            self._beats_back.append(beat)
            self._beat_event.set()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_INTERVAL if self.healthy else PROBE_INTERVAL)
            await self.beat()

    async def beat(self) -> None:
        """One round of heartbeats: mark the hub unhealthy if one is lost, recover once back."""
        answered, lost = await self._heartbeat()
        if lost and self.healthy:
            self.healthy = False
            logger.warning(
                "liveview: the channel layer lost a heartbeat; pages reload from the database"
                " once it answers"
            )
        if answered and not self.healthy:
            await self._recover()

    def publish_failed(self) -> None:
        """A publish from this process failed: its pages reload at the next good heartbeat.

        An outage shorter than a heartbeat loses the change without any heartbeat noticing.
        """
        if self._watched and self.members and self.healthy:
            self.healthy = False
            logger.warning("liveview: a publish failed; pages here reload at the next heartbeat")

    async def _heartbeat(self) -> tuple[bool, bool]:
        """Send heartbeats to this hub's own channel until one comes back: (answered, lost).

        `answered`: one came back within HEARTBEAT_TIMEOUT. `lost`: the first did not, so a
        change may have been lost too. A new one goes out every PROBE_INTERVAL: after Redis
        restarts, the pub/sub layer resubscribes up to a second after a send already works, and
        whatever was sent before is gone; waiting out the timeout for it made recovery 4-5 s.
        """
        first = self._beats + 1
        try:
            async with asyncio.timeout(HEARTBEAT_TIMEOUT):
                while self._beat_seen < first:
                    self._beats += 1
                    try:
                        channel = await self._open_channel()
                        await self.layer.send(channel, {"type": HEARTBEAT_TYPE, "n": self._beats})
                    except Exception as exc:  # the layer's connection error: the next may pass
                        logger.debug("liveview: heartbeat %d failed: %r", self._beats, exc)
                    self._beat_event.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(PROBE_INTERVAL):
                            while self._beat_seen < first:
                                await self._beat_event.wait()
                                self._beat_event.clear()
        except TimeoutError:
            logger.debug("liveview: no heartbeat from %d to %d came back", first, self._beats)
            return False, True
        # Pub/sub keeps the order of one connection: had the first arrived, it would be here.
        return True, first not in self._beats_back

    async def _recover(self) -> None:
        """The layer answers again: rejoin every group, then reload every page subscribed here.

        Changes published while it was down never arrived (neither Redis layer keeps them for a
        subscriber it could not reach), so every component reloads what it shows, as a page
        does for a topic its process only just joined, and every socket of a logged-in user
        checks its access again (a logout or a revocation may have been lost too).
        """
        try:
            async with self._lock:
                channel = await self._open_channel()
                for topic in list(self.members):
                    await self.layer.group_add(group_name(topic), channel)
        except Exception as exc:
            logger.warning("liveview: rejoining topics failed, retrying: %r", exc)
            return
        self.healthy = True
        self.recoveries += 1
        topics = sorted(self.members)
        logger.warning(
            "liveview: the channel layer is back; reloading %d topics on %d pages",
            len(topics),
            len(self.topics_of),
        )
        for topic in topics:
            change = reload_change(topic)
            self.received.add(change)
            self._queue.put_nowait(change)
