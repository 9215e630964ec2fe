# Presence: who is viewing a topic. A component lists `presence_of(topic)` in its subscriptions;
# its socket then counts among the topic's viewers, and `self.live.present(topic)` reads them.
# Every join, leave or expiry is published as a change of `presence_of(topic)`. Where the
# viewers are kept (this process, or Redis across processes): presence_registry.py.
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from liveview.pubsub import presence_registry
from liveview.pubsub.presence_registry import LocalRegistry, RedisRegistry, Viewer
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import ResourceChanged, Subscription, uri_of

if TYPE_CHECKING:
    from liveview.runtime.page import Page

logger = logging.getLogger("liveview")

#: What `presence_of` puts before a topic: presence changes never reach `resource_changed`.
PREFIX = "/liveview/presence:"


class Viewing(Protocol):
    """A socket as presence (and the hub) know it: the key of its page, and the page."""

    @property
    def origin(self) -> str: ...

    @property
    def page(self) -> Page | None: ...


class PresenceError(ValueError):
    """`present(topic)` on a page none of whose components lists `presence_of(topic)`."""


def presence_of(target: Subscription) -> str:
    """The topic to list in `subscriptions()` to be counted among `target`'s viewers and be
    re-rendered when they change (a URI, a resource or a model, as subscriptions take)."""
    return PREFIX + uri_of(target)


def is_presence(change: ResourceChanged) -> bool:
    """Whether `change` is a change of who is viewing (not of data: nothing to reload)."""
    return change.uri.startswith(PREFIX)


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
        """Reads "alice, bob and 1 guest" for a logged-in viewer, "3 people" for a guest."""
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


async def announce(topic: str) -> None:
    """Tell every page showing `topic`'s presence, in every process, that it changed."""
    uri = presence_of(topic)
    await apublish(ResourceChanged("PUT", uri, uri, None))


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
            _local = LocalRegistry(announce)
        _current = _local
        return _local
    loop = asyncio.get_running_loop()
    found = _redis.get(loop)
    if found is None:
        from channels_redis.utils import create_pool
        from redis.asyncio import Redis

        found = _redis[loop] = RedisRegistry(
            Redis(connection_pool=create_pool(host)),
            ttl=presence_ttl(),
            interval=presence_registry.REFRESH_INTERVAL,
            announce=announce,
        )
    _current = found
    return found


async def close_loop() -> None:
    """End this loop's registry (the server's shutdown, through the hubs' `on_close`): on
    Redis, its refresh task, its viewers (removed and announced) and its connections; the
    next socket here makes a new one."""
    global _current
    found = _redis.pop(asyncio.get_running_loop(), None)
    if found is None:
        return
    if _current is found:
        _current = None
    await found.close()
    await found.redis.aclose(close_connection_pool=True)


def presence_ttl() -> float:
    """``LIVEVIEW_PRESENCE_TTL``: seconds, more than two refreshes, so one late refresh never
    drops a viewer who is still there."""
    ttl = getattr(settings, "LIVEVIEW_PRESENCE_TTL", presence_registry.TTL)
    least = 2 * presence_registry.REFRESH_INTERVAL
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not ttl > least:
        raise ImproperlyConfigured(
            f"LIVEVIEW_PRESENCE_TTL is a number of seconds above {least:g}, not {ttl!r}"
        )
    return float(ttl)


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


_joined: weakref.WeakKeyDictionary[Viewing, _Joined] = weakref.WeakKeyDictionary()
_registry_of: weakref.WeakKeyDictionary[Page, Registry] = weakref.WeakKeyDictionary()


def tracked(page: Page) -> frozenset[str]:
    """The topics whose presence some component of `page` shows."""
    return frozenset(t[len(PREFIX) :] for t in page.topics() if t.startswith(PREFIX))


async def follow(consumer: Viewing) -> None:
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


async def leave(consumer: Viewing) -> None:
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
