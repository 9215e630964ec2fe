# Presence: who is viewing a topic. A component lists `presence_of(topic)` in its subscriptions;
# its socket then counts among the topic's viewers, and `self.live.present(topic)` reads them.
# One process (in-memory layer): a registry in this process. Several (channels-redis): a Redis
# sorted set per topic, member = process + socket + viewer, score = when it expires; each process
# re-scores its own members every second, so a killed process's members expire within the TTL.
# Every join, leave or expiry is published as a change of `presence_of(topic)`.
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from liveview.publish import apublish
from liveview.resources import ResourceChanged, Subscription, uri_of

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from liveview.consumer import LiveConsumer
    from liveview.page import Page

logger = logging.getLogger("liveview")

#: What `presence_of` puts before a topic: presence changes never reach `resource_changed`.
PREFIX = "/liveview/presence:"
#: Seconds a viewer stays listed after its process last vouched for it, unless
#: ``LIVEVIEW_PRESENCE_TTL`` says otherwise (Redis only: in one process, leaving is immediate).
TTL = 5.0
#: Seconds between two refreshes of a process's own viewers in Redis.
REFRESH_INTERVAL = 1.0
#: The longest a Redis call of presence may take: a socket's close never waits longer.
REDIS_TIMEOUT = 2.0


class PresenceError(ValueError):
    """`present(topic)` on a page none of whose components lists `presence_of(topic)`."""


def presence_of(target: Subscription) -> str:
    """The topic to list in `subscriptions()` to be counted among `target`'s viewers and be
    re-rendered when they change (a URI, a resource or a model, as subscriptions take)."""
    return PREFIX + uri_of(target)


def is_presence(change: ResourceChanged) -> bool:
    """Whether `change` is a change of who is viewing (not of data: nothing to reload)."""
    return change.uri.startswith(PREFIX)


@dataclass(frozen=True, slots=True)
class Viewer:
    """One person: `identity` is ``u:<pk>`` for a user (counted once however many pages they
    have open), ``g:<page key>`` for a guest (counted once per page); `name` is a user's
    ``get_full_name() or get_username()``, empty for a guest."""

    identity: str
    name: str

    @property
    def is_guest(self) -> bool:
        return not self.identity.startswith("u:")


def viewer_of(page: Page) -> Viewer:
    user = page.user
    if user is not None and user.is_authenticated:
        return Viewer(f"u:{user.pk}", user.get_full_name() or user.get_username())
    return Viewer(f"g:{page.key}", "")


@dataclass(frozen=True, slots=True)
class Presence:
    """Who is viewing a topic, as one page may see it: `names` (sorted) only for a logged-in
    viewer, empty for a guest's page; `count` people in all, `guests` of them anonymous."""

    count: int = 0
    guests: int = 0
    names: tuple[str, ...] = ()

    def __str__(self) -> str:
        """ "alice, bob and 1 guest" for a logged-in viewer; "3 people" for a guest."""
        if not self.names:
            return f"{self.count} {'person' if self.count == 1 else 'people'}"
        parts = list(self.names)
        if self.guests:
            parts.append(f"{self.guests} guest{'' if self.guests == 1 else 's'}")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    @classmethod
    def of(cls, viewers: Iterable[Viewer], *, show_names: bool) -> Presence:
        people = {v.identity: v for v in viewers}
        names = sorted((v.name for v in people.values() if not v.is_guest), key=str.casefold)
        guests = sum(1 for v in people.values() if v.is_guest)
        return cls(len(people), guests, tuple(names) if show_names else ())


# -- the registries ----------------------------------------------------------------------------

Announce = Callable[[str], Awaitable[None]]


async def announce(topic: str) -> None:
    """Tell every page showing `topic`'s presence, in every process, that it changed."""
    uri = presence_of(topic)
    await apublish(ResourceChanged("PUT", uri, uri, None))


class LocalRegistry:
    """The viewers of one process's sockets: exact, nothing to expire (they die with it)."""

    def __init__(self, announce: Announce = announce) -> None:
        self.announce = announce
        self._lock = threading.Lock()  # read by renders in Django's sync thread
        self._topics: dict[str, dict[str, Viewer]] = {}

    def viewers(self, topic: str) -> list[Viewer]:
        with self._lock:
            return list(self._topics.get(topic, {}).values())

    async def join(self, socket: str, viewer: Viewer, topics: Iterable[str]) -> None:
        with self._lock:
            for topic in topics:
                self._topics.setdefault(topic, {})[socket] = viewer
        for topic in topics:
            await self.announce(topic)

    async def leave(self, socket: str, topics: Iterable[str]) -> None:
        with self._lock:
            for topic in topics:
                members = self._topics.get(topic, {})
                members.pop(socket, None)
                if not members:
                    self._topics.pop(topic, None)
        for topic in topics:
            await self.announce(topic)

    async def reload(self, topics: Iterable[str]) -> None:
        """Nothing to reload: this process holds every viewer."""


class RedisRegistry:
    """The viewers of every process, in one Redis sorted set per topic.

    `clock`: wall-clock seconds, the same on every host (scores are compared across processes).
    `interval`: seconds between refreshes of this process's members; None: only when
    `refresh()` is called (tests advance `clock` and call it).
    """

    def __init__(
        self,
        redis: Redis,
        *,
        ttl: float = TTL,
        interval: float | None = REFRESH_INTERVAL,
        clock: Callable[[], float] = time.time,
        announce: Announce = announce,
    ) -> None:
        self.redis = redis
        self.ttl = ttl
        self.interval = interval
        self.clock = clock
        self.announce = announce
        #: This registry's name in its members: which process holds them.
        self.process = secrets.token_hex(6)
        #: This process's members: topic -> socket -> (member string, viewer).
        self._own: dict[str, dict[str, str]] = {}
        #: The viewers last read, per topic this process shows (renders read it, no I/O).
        self._seen: dict[str, tuple[Viewer, ...]] = {}
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def viewers(self, topic: str) -> list[Viewer]:
        return list(self._seen.get(topic, ()))

    async def join(self, socket: str, viewer: Viewer, topics: Iterable[str]) -> None:
        topics = list(topics)
        member = json.dumps([self.process, socket, viewer.identity, viewer.name])
        async with self._lock:
            for topic in topics:
                self._own.setdefault(topic, {})[socket] = member
            await self._call(self._write, {t: {member} for t in topics})
            await self._call(self._read, topics)
        self._start()
        for topic in topics:
            await self.announce(topic)

    async def leave(self, socket: str, topics: Iterable[str]) -> None:
        topics = list(topics)
        gone: dict[str, str] = {}
        async with self._lock:
            for topic in topics:
                own = self._own.get(topic, {})
                if socket in own:
                    gone[topic] = own.pop(socket)
                if not own:
                    self._own.pop(topic, None)
                    self._seen.pop(topic, None)
            await self._call(self._remove, gone)
            await self._call(self._read, [t for t in topics if t in self._own])
        if not self._own:
            self._stop()
        for topic in topics:
            await self.announce(topic)

    async def reload(self, topics: Iterable[str]) -> None:
        """Read the viewers of `topics` again (a presence change arrived for them)."""
        shown = [t for t in topics if t in self._own]
        if shown:
            async with self._lock:
                await self._call(self._read, shown)

    async def refresh(self) -> list[str]:
        """Vouch for this process's members again, drop the expired ones of every topic shown
        here, and announce each topic whose viewers changed; those topics."""
        async with self._lock:
            before = dict(self._seen)
            await self._call(self._write, {t: set(own.values()) for t, own in self._own.items()})
            await self._call(self._read, list(self._own))
            changed = [t for t in self._own if self._seen.get(t) != before.get(t)]
        for topic in changed:
            await self.announce(topic)
        return changed

    # -- Redis ---------------------------------------------------------------------------------

    async def _call(self, work: Callable[[Any], Awaitable[None]], arg: Any) -> None:
        if not arg:
            return
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                await work(arg)
        except Exception as exc:  # Redis down: the next refresh writes again; TTL expires
            logger.warning("liveview: presence on Redis failed: %r", exc)

    async def _write(self, members: dict[str, set[str]]) -> None:
        expires = self.clock() + self.ttl
        async with self.redis.pipeline(transaction=False) as pipe:
            for topic, own in members.items():
                if own:
                    pipe.zadd(_key(topic), dict.fromkeys(own, expires))
                    # An abandoned set (every process gone) disappears by itself.
                    pipe.pexpire(_key(topic), int(self.ttl * 2000))
            await pipe.execute()

    async def _remove(self, members: dict[str, str]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for topic, member in members.items():
                pipe.zrem(_key(topic), member)
            await pipe.execute()

    async def _read(self, topics: list[str]) -> None:
        now = self.clock()
        async with self.redis.pipeline(transaction=False) as pipe:
            for topic in topics:
                pipe.zremrangebyscore(_key(topic), "-inf", now)
                pipe.zrange(_key(topic), 0, -1)
            results = await pipe.execute()
        for topic, members in zip(topics, results[1::2], strict=True):
            if topic in self._own:
                self._seen[topic] = tuple(sorted(_viewers(members), key=lambda v: v.identity))

    # -- the refresh task ----------------------------------------------------------------------

    def _start(self) -> None:
        if self.interval is not None and self._task is None and self._own:
            self._task = asyncio.create_task(self._run(self.interval), name="liveview-presence")

    def _stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()

    async def _run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.refresh()
            except Exception:
                logger.exception("liveview: refreshing presence failed")


def _key(topic: str) -> str:
    return "liveview:presence:" + hashlib.blake2b(topic.encode(), digest_size=16).hexdigest()


def _viewers(members: Iterable[bytes | str]) -> list[Viewer]:
    found = []
    for member in members:
        with contextlib.suppress(ValueError, TypeError):
            _process, _socket, identity, name = json.loads(member)
            found.append(Viewer(str(identity), str(name)))
    return found


# -- one registry per process (Redis: per event loop, whose connections it holds) --------------

Registry = LocalRegistry | RedisRegistry
_local: LocalRegistry | None = None
#: The registry made or found last: what a page's first render reads before its socket joins.
_current: Registry | None = None
_redis: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RedisRegistry] = (
    weakref.WeakKeyDictionary()
)


def registry() -> Registry:
    """This process's registry: on Redis when the default channel layer is channels-redis."""
    global _local, _current
    host = _redis_host()
    if host is None:
        if _local is None:
            _local = LocalRegistry()
        _current = _local
        return _local
    loop = asyncio.get_running_loop()
    found = _redis.get(loop)
    if found is None:
        from channels_redis.utils import create_pool
        from redis.asyncio import Redis

        ttl = float(getattr(settings, "LIVEVIEW_PRESENCE_TTL", TTL))
        found = _redis[loop] = RedisRegistry(
            Redis(connection_pool=create_pool(host)), ttl=ttl, interval=REFRESH_INTERVAL
        )
    _current = found
    return found


def _redis_host() -> dict[str, Any] | None:
    config = getattr(settings, "CHANNEL_LAYERS", {}).get("default", {})
    if not str(config.get("BACKEND", "")).startswith("channels_redis."):
        return None
    from channels_redis.utils import decode_hosts

    hosts: list[dict[str, Any]] = decode_hosts(config.get("CONFIG", {}).get("hosts"))
    return hosts[0]  # the sets are small: the first of the layer's hosts holds them all


# -- what the consumer and the page call -------------------------------------------------------


@dataclass(slots=True)
class _Joined:
    registry: Registry
    viewer: Viewer
    topics: frozenset[str]


_joined: weakref.WeakKeyDictionary[LiveConsumer, _Joined] = weakref.WeakKeyDictionary()
_registry_of: weakref.WeakKeyDictionary[Page, Registry] = weakref.WeakKeyDictionary()


def tracked(page: Page) -> frozenset[str]:
    """The topics whose presence some component of `page` shows."""
    return frozenset(t[len(PREFIX) :] for t in page.topics() if t.startswith(PREFIX))


async def follow(consumer: LiveConsumer) -> None:
    """Count the socket's viewer among the viewers of exactly the topics its page tracks."""
    page = consumer.page
    topics = tracked(page) if page is not None else frozenset()
    joined = _joined.get(consumer)
    if joined is None:
        if not topics or page is None:
            return
        joined = _joined[consumer] = _Joined(registry(), viewer_of(page), frozenset())
        _registry_of[page] = joined.registry
    old, joined.topics = joined.topics, topics
    key = consumer.origin
    if old - topics:
        await joined.registry.leave(key, old - topics)
    if topics - old:
        await joined.registry.join(key, joined.viewer, topics - old)


async def leave(consumer: LiveConsumer) -> None:
    """The socket closed: it leaves every topic (once)."""
    joined = _joined.pop(consumer, None)
    if joined is not None and joined.topics:
        await joined.registry.leave(consumer.origin, joined.topics)


async def reload_before_delivery(changes: list[ResourceChanged]) -> None:
    """The hub's hook: read the viewers of the topics a batch announces before pages render."""
    topics = {c.uri[len(PREFIX) :] for c in changes if is_presence(c)}
    if not topics:
        return
    try:
        await registry().reload(topics)
    except Exception:  # never the hub's delivery task: pages render what was read last
        logger.exception("liveview: reading who is viewing failed")


def present(page: Page, target: Subscription) -> Presence:
    """What `Page.present` returns: nobody before the socket connects (the first HTTP render);
    then the topic's viewers, this page's own included, names only for a logged-in viewer."""
    if not page.connected:
        return Presence()
    topic = uri_of(target)
    if topic not in tracked(page):
        raise PresenceError(
            f"present({topic!r}): no component of this page lists presence_of({topic!r}) "
            "in its subscriptions()"
        )
    # Before its socket joins (its first render), the process's registry: on Redis, what this
    # process last read of the topic, if it shows it; the join's announcement brings the rest.
    found = _registry_of.get(page) or _current
    viewers = found.viewers(topic) if found is not None else []
    me = viewer_of(page)
    user = page.user
    show = user is not None and user.is_authenticated
    return Presence.of([*viewers, me], show_names=show)
