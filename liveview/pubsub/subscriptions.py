# The receiving side of pub/sub: a Hub holds ONE channel-layer membership per topic for its
# event loop and fans each change out to its local subscribers itself. Per-member group_send
# grows quadratically on the in-memory layer; a dict lookup and a loop do not. Its channel on
# the layer: layer_channel.py; watching the layer: heartbeat.py; what it received: received.py;
# who makes and ends hubs: hubs.py.
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import BaseChannelLayer

from liveview.core.conf import layer_in_memory
from liveview.pubsub.heartbeat import HEARTBEAT_TYPE, Heartbeat
from liveview.pubsub.layer_channel import LayerChannel
from liveview.pubsub.messages import ResourceChanged, from_message, message_key
from liveview.pubsub.received import Received

logger = logging.getLogger("liveview")


class Subscriber(Protocol):
    @property
    def origin(self) -> str:
        """The page key a change made by this subscriber's own events carries as its origin."""
        ...


#: Seconds a hub closing at shutdown waits for the layer to take its memberships back.
CLOSE_TIMEOUT = 2.0

Deliver = Callable[[dict[Any, list[ResourceChanged]]], Awaitable[None]]
TopicJoined = Callable[[str], None]
BeforeDelivery = Callable[[list[ResourceChanged]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Mark:
    """A point in a hub's history: the changes received (`seq`) and topics joined so far."""

    seq: int = 0
    joins: int = 0


@dataclass(slots=True)
class HubHooks:
    """What a hub calls besides its delivery, registered through `liveview.pubsub.hubs.Hubs`."""

    #: Called on the hub's loop with each topic it starts following (the jobs watcher starts
    #: this way, see job_watch.py).
    topic_joined: list[TopicJoined] = field(default_factory=list)
    #: Awaited with each batch of changes before it is delivered (presence reads the viewers).
    before_delivery: list[BeforeDelivery] = field(default_factory=list)


class Hub(LayerChannel, Heartbeat):
    """One event loop's subscriptions: which sockets follow which topics (one layer group
    membership per topic), and the task that delivers each change to the sockets following it.
    """

    def __init__(
        self, layer: BaseChannelLayer, deliver: Deliver, hooks: HubHooks | None = None
    ) -> None:
        self.layer = layer
        self.deliver = deliver
        self.hooks = HubHooks() if hooks is None else hooks
        self.members: dict[str, set[Any]] = {}
        self.topics_of: dict[Any, frozenset[str]] = {}
        self.channel: str | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._queue: asyncio.Queue[ResourceChanged] = asyncio.Queue()
        #: Every change received lately, once, numbered (`seq` is the latest's number).
        self.received = Received()
        #: Topic joins completed so far, and the count at which each followed topic's layer
        #: membership took effect: a change published before then never came here.
        self.joins = 0
        self._joined_at: dict[str, int] = {}
        #: False from a lost heartbeat (or a failed join) until the layer answers again.
        self.healthy = True
        #: How many times this hub has reloaded every page after the layer came back.
        self.recoveries = 0
        self._start_heartbeat()
        # The in-memory layer lives in this process: nothing between it and us can fail.
        self._watched = not layer_in_memory(layer)

    @property
    def seq(self) -> int:
        """How many changes this hub has received: a page mounting notes it to catch up."""
        return self.received.seq

    def mark(self) -> Mark:
        """Where this hub is: a page notes it before its mount reads the data, to catch up."""
        return Mark(self.received.seq, self.joins)

    @property
    def running(self) -> bool:
        """True while the hub follows some topic (its tasks run)."""
        return bool(self._tasks)

    async def set_topics(self, subscriber: Subscriber, topics: frozenset[str]) -> set[str]:
        """Subscribe to exactly `topics`, joining and leaving layer groups as needed.

        Returns the topics this process had to join for it (no page here followed them).
        """
        joined: set[str] = set()
        old = self.topics_of.get(subscriber, frozenset())
        if old == topics:
            return joined
        async with self._lock:
            if topics:
                self.topics_of[subscriber] = topics
            else:
                self.topics_of.pop(subscriber, None)
            for topic in topics - old:
                members = self.members.setdefault(topic, set())
                members.add(subscriber)
                if len(members) == 1:
                    await self._join(topic)
                    joined.add(topic)
                    self.joins += 1
                    self._joined_at[topic] = self.joins
            for topic in old - topics:
                members = self.members.get(topic, set())
                members.discard(subscriber)
                if not members:
                    self.members.pop(topic, None)
                    self._joined_at.pop(topic, None)
                    await self._leave(topic)
            if not self.members:
                await self._stop()
        for topic in joined:
            for hook in self.hooks.topic_joined:
                hook(topic)
        return joined

    def changes_since(self, seq: int, topics: frozenset[str]) -> list[ResourceChanged] | None:
        """The changes to `topics` received after number `seq`; None if they are not all kept."""
        return self.received.since(seq, topics)

    def joined_since(self, mark: Mark, topics: frozenset[str]) -> set[str]:
        """Those of `topics` whose layer membership took effect after `mark` (by any page):
        a change to them published between the mark and the join never reached this hub."""
        return {t for t in topics if self._joined_at.get(t, 0) > mark.joins}

    async def leave(self, subscriber: Subscriber) -> None:
        await self.set_topics(subscriber, frozenset())

    def subscriber_count(self, topic: str) -> int:
        return len(self.members.get(topic, ()))

    async def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """The server stops: leave every topic's group (for `timeout` seconds at most: a layer
        that does not answer keeps the memberships until they expire) and end the tasks."""
        async with self._lock:
            try:
                async with asyncio.timeout(timeout):
                    for topic in list(self.members):
                        await self._leave(topic)
            except TimeoutError:
                logger.warning("liveview: leaving the topics at shutdown timed out")
            self.members.clear()
            self.topics_of.clear()
            self._joined_at.clear()
            await self._stop()

    async def _join(self, topic: str) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._run(), name="liveview-hub-deliver"),
                asyncio.create_task(self._keep_groups(), name="liveview-hub-groups"),
            ]
            if self._watched:
                self._tasks.append(asyncio.create_task(self._watch(), name="liveview-hub-watch"))
        await self._add(topic)

    def _received(self, message: dict[str, Any]) -> None:
        """A message from the layer: a heartbeat back, or a change (queued once)."""
        if message.get("type") == HEARTBEAT_TYPE:
            self._beat_back(message.get("n"))
            return
        change = from_message(message)
        if change is None:
            logger.warning("liveview: ignored a message of type %r", message.get("type"))
            return
        if self.received.first_time(message_key(message, change)):
            self.received.add(change)
            self._queue.put_nowait(change)

    async def _run(self) -> None:
        while True:
            changes = [await self._queue.get()]
            while not self._queue.empty():
                changes.append(self._queue.get_nowait())
            for hook in self.hooks.before_delivery:
                await hook(changes)
            targets = self._targets(changes)
            if targets:
                try:
                    await self.deliver(targets)
                except Exception:
                    logger.exception("liveview: delivering %d changes failed", len(changes))

    def _targets(self, changes: list[ResourceChanged]) -> dict[Any, list[ResourceChanged]]:
        """Each subscriber's changes, in order, once each, without those its own turn made."""
        targets: dict[Any, list[ResourceChanged]] = {}
        for change in changes:
            for topic in change.topics():
                for subscriber in self.members.get(topic, ()):
                    if subscriber.origin == change.origin:
                        continue  # its own turn applied it already
                    pending = targets.setdefault(subscriber, [])
                    if not pending or pending[-1] is not change:
                        pending.append(change)
        return targets
