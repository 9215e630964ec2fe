# The receiving side of pub/sub: one Hub per process (per event loop) holds ONE channel-layer
# membership per topic and fans each change out to its local subscribers itself. Per-member
# group_send grows quadratically on the in-memory layer; a dict lookup and a loop do not.
# Across processes (Redis) it also watches the layer: a heartbeat through it every second; when
# one is lost, changes may have been lost too, so once heartbeats come back every page
# subscribed here reloads what it shows from the database. A heartbeat not back yet is followed
# by another every PROBE_INTERVAL: the first that arrives ends the wait, so recovery waits for
# the layer's reconnect, not for a timeout.
from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer

from liveview.core.conf import layer_in_memory
from liveview.pubsub.messages import USERS, ResourceChanged, from_message, group_name, message_key

logger = logging.getLogger("liveview")


class Subscriber(Protocol):
    @property
    def origin(self) -> str:
        """The page key a change made by this subscriber's own events carries as its origin."""
        ...


Deliver = Callable[[dict[Any, list[ResourceChanged]]], Awaitable[None]]

#: Called on the hub's loop with each topic this process starts following (the jobs watcher
#: starts this way, see job_watch.py).
topic_joined_hooks: list[Callable[[str], None]] = []
#: Awaited with each batch of changes before it is delivered (presence.py reads the viewers).
before_delivery_hooks: list[Callable[[list[ResourceChanged]], Awaitable[None]]] = []

_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()

# A change reaches the hub once per topic it was published to (its URI and its collection); the
# hub delivers it on the first and drops the repeats.
_RECENT = 4096
#: Seconds between two heartbeats through the layer, and how long one may take to come back.
HEARTBEAT_INTERVAL = 1.0
HEARTBEAT_TIMEOUT = 3.0
#: Seconds between the heartbeats of one round (and between rounds while the layer is down).
PROBE_INTERVAL = 0.2
HEARTBEAT_TYPE = "liveview.heartbeat"


class Hub:
    def __init__(self, layer: BaseChannelLayer, deliver: Deliver) -> None:
        self.layer = layer
        self.deliver = deliver
        self.members: dict[str, set[Any]] = {}
        self.topics_of: dict[Any, frozenset[str]] = {}
        self.channel: str | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._queue: asyncio.Queue[ResourceChanged] = asyncio.Queue()
        self._recent: OrderedDict[Hashable, None] = OrderedDict()
        #: How many changes this hub has received, and the latest of them, numbered: a page
        #: that subscribes late catches up on what it missed while it mounted.
        self.seq = 0
        self._log: deque[tuple[int, ResourceChanged]] = deque(maxlen=_RECENT)
        #: False from a lost heartbeat (or a failed join) until the layer answers again.
        self.healthy = True
        #: How many times this hub has reloaded every page after the layer came back.
        self.recoveries = 0
        self._beat_seen = 0
        #: The heartbeats that came back lately: the first of a round missing = one was lost.
        self._beats_back: deque[int] = deque(maxlen=64)
        self._beats = 0
        self._beat_event = asyncio.Event()
        # The in-memory layer lives in this process: nothing between it and us can fail.
        self._watched = not layer_in_memory(layer)

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
            for topic in old - topics:
                members = self.members.get(topic, set())
                members.discard(subscriber)
                if not members:
                    self.members.pop(topic, None)
                    await self._leave(topic)
            if not self.members:
                await self._stop()
        for topic in joined:
            for hook in topic_joined_hooks:
                hook(topic)
        return joined

    def changes_since(self, seq: int, topics: frozenset[str]) -> list[ResourceChanged] | None:
        """The changes to `topics` received after number `seq`; None if they are not all kept."""
        if self._log and self._log[0][0] > seq + 1:
            return None
        missed: list[ResourceChanged] = []
        for n, change in reversed(self._log):  # newest first: usually none are newer than seq
            if n <= seq:
                break
            if change.uri in topics or change.collection in topics:
                missed.append(change)
        missed.reverse()
        return missed

    async def leave(self, subscriber: Subscriber) -> None:
        await self.set_topics(subscriber, frozenset())

    def subscriber_count(self, topic: str) -> int:
        return len(self.members.get(topic, ()))

    # -- the one layer channel of this process ----------------------------------------------

    async def _join(self, topic: str) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._run(), name="liveview-hub-deliver"),
                asyncio.create_task(self._keep_groups(), name="liveview-hub-groups"),
            ]
            if self._watched:
                self._tasks.append(asyncio.create_task(self._watch(), name="liveview-hub-watch"))
        try:
            channel = await self._open_channel()
            await self.layer.group_add(group_name(topic), channel)
        except Exception as exc:
            if not self._watched:
                raise
            # The layer is down: the page still mounts from the database; the watch joins the
            # group and reloads every page here once the layer answers again.
            logger.warning(
                "liveview: joining a topic failed (%r); retried when the layer is back", exc
            )
            self.healthy = False

    async def _open_channel(self) -> str:
        if self.channel is None:
            # The layer's default prefix: RedisChannelLayer reads every process-local channel
            # through one loop on one prefix; with another prefix of its own, the hub would
            # starve whenever any other consumer in the process was receiving.
            self.channel = await self.layer.new_channel()
            self._tasks.append(
                asyncio.create_task(self._read(self.channel), name="liveview-hub-read")
            )
        return self.channel

    async def _leave(self, topic: str) -> None:
        if self.channel is not None:
            try:
                await self.layer.group_discard(group_name(topic), self.channel)
            except Exception as exc:
                if not self._watched:
                    raise
                logger.warning("liveview: leaving a topic failed: %r", exc)

    async def _stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Cancelling the reader ends the channel on some layers (channels-redis' pub/sub layer
        # unsubscribes it): the next join opens a new one.
        self.channel = None

    async def _read(self, channel: str) -> None:
        # Only reads: the layer's buffer for this channel must never fill up while pages render.
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("liveview: reading the channel layer failed")
                await asyncio.sleep(1)
                continue
            if message.get("type") == HEARTBEAT_TYPE:
                beat = message.get("n")
                if isinstance(beat, int) and beat > self._beat_seen:
                    self._beat_seen = beat
                    self._beats_back.append(beat)
                    self._beat_event.set()
                continue
            change = from_message(message)
            if change is None:
                logger.warning("liveview: ignored a message of type %r", message.get("type"))
                continue
            key = message_key(message, change)
            if key in self._recent:
                continue
            self._recent[key] = None
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
            self.seq += 1
            self._log.append((self.seq, change))
            self._queue.put_nowait(change)

    async def _run(self) -> None:
        while True:
            changes = [await self._queue.get()]
            while not self._queue.empty():
                changes.append(self._queue.get_nowait())
            for hook in before_delivery_hooks:
                await hook(changes)
            targets: dict[Any, list[ResourceChanged]] = {}
            for change in changes:
                for topic in change.topics():
                    for subscriber in self.members.get(topic, ()):
                        if subscriber.origin == change.origin:
                            continue  # its own turn applied it already
                        pending = targets.setdefault(subscriber, [])
                        if not pending or pending[-1] is not change:
                            pending.append(change)
            if targets:
                try:
                    await self.deliver(targets)
                except Exception:
                    logger.exception("liveview: delivering %d changes failed", len(changes))

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
            self.seq += 1
            self._log.append((self.seq, change))
            self._queue.put_nowait(change)

    async def _keep_groups(self) -> None:
        # Layers expire group membership (a day by default): renew ours well before that.
        expiry = getattr(self.layer, "group_expiry", 86400)
        while True:
            await asyncio.sleep(max(expiry / 2, 1))
            async with self._lock:
                try:
                    for topic in list(self.members):
                        if self.channel is not None:
                            await self.layer.group_add(group_name(topic), self.channel)
                except Exception as exc:
                    logger.warning("liveview: renewing the topics failed: %r", exc)


def reload_change(topic: str) -> ResourceChanged:
    """The change that makes `topic`'s subscribers reload it from the database.

    A user's control topic gets a change in the users' collection, so its sockets re-read the
    session and the user and close (4410) if the page is no longer theirs.
    """
    collection = USERS if topic.startswith(USERS) else topic
    return ResourceChanged("PUT", topic, collection, None)


def hub(deliver: Deliver) -> Hub | None:
    """This event loop's hub, made on first use; None when no channel layer is configured."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        layer = get_channel_layer()
        if layer is None:
            return None
        current = _hubs[loop] = Hub(layer, deliver)
    return current


def publish_failed() -> None:
    """Called by `apublish` when the layer refused a change: every hub here resyncs."""
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for loop, each in list(_hubs.items()):
        if loop is running:
            each.publish_failed()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(each.publish_failed)


def all_hubs() -> list[Hub]:
    """Every hub of this process, one per event loop (for the inspector)."""
    return list(_hubs.values())


def existing_hub() -> Hub | None:
    """This loop's hub if a page has subscribed to anything yet (for tests and the inspector)."""
    try:
        return _hubs.get(asyncio.get_running_loop())
    except RuntimeError:
        return None
