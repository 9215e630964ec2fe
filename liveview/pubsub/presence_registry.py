# Where presence keeps who is viewing (presence.py is what pages and sockets call). One process:
# LocalRegistry, a dict. Several: RedisRegistry, one sorted set per topic, member = process +
# socket + viewer, score = when it expires; each process re-scores its own members every
# second, and every read drops the expired ones: a killed process's viewers vanish in the TTL.
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("liveview")

#: Seconds a viewer stays listed after its process last vouched for it, unless
#: ``LIVEVIEW_PRESENCE_TTL`` says otherwise (Redis only: in one process, leaving is immediate).
TTL = 5.0
#: Seconds between two refreshes of a process's own viewers in Redis.
REFRESH_INTERVAL = 1.0
#: The longest a Redis call of presence may take: a socket's close never waits longer.
REDIS_TIMEOUT = 2.0

#: How a registry tells every page showing a topic's presence that it changed.
Announce = Callable[[str], Awaitable[None]]


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


class LocalRegistry:
    """The viewers of one process's sockets: exact, nothing to expire (they die with it)."""

    def __init__(self, announce: Announce) -> None:
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
        announce: Announce,
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
        self._failing = False
        #: The server's shutdown closed it: a socket joining late starts no refresh task.
        self._closed = False

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
        gone: dict[str, set[str]] = {}
        async with self._lock:
            for topic in topics:
                own = self._own.get(topic, {})
                if socket in own:
                    gone[topic] = {own.pop(socket)}
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

    async def close(self) -> None:
        """The server's shutdown: stop refreshing this process's members, remove them from
        Redis and announce their topics (other processes drop them now, not after the TTL).
        The connection is its owner's to close."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with self._lock:  # after a join or a refresh under way: none writes them back
            gone = {t: set(own.values()) for t, own in self._own.items()}
            self._own.clear()
            self._seen.clear()
            await self._call(self._remove, gone)
        if self._failing:  # Redis is unreachable: nobody can read them; they expire
            return
        for topic in gone:
            await self.announce(topic)

    # -- Redis ---------------------------------------------------------------------------------

    async def _call(self, work: Callable[[Any], Awaitable[None]], arg: Any) -> None:
        if not arg:
            return
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                await work(arg)
        except Exception as exc:  # Redis down: the next refresh writes again; TTL expires
            # Once per outage, not every second of it.
            log = logger.debug if self._failing else logger.warning
            log("liveview: presence on Redis failed: %r", exc)
            self._failing = True
        else:
            self._failing = False

    async def _write(self, members: dict[str, set[str]]) -> None:
        expires = self.clock() + self.ttl
        async with self.redis.pipeline(transaction=False) as pipe:
            for topic, own in members.items():
                if own:
                    pipe.zadd(_key(topic), dict.fromkeys(own, expires))
                    # An abandoned set (every process gone) disappears by itself.
                    pipe.pexpire(_key(topic), int(self.ttl * 2000))
            await pipe.execute()

    async def _remove(self, members: dict[str, set[str]]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for topic, own in members.items():
                pipe.zrem(_key(topic), *own)
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
        if self.interval is None or self._task is not None or not self._own:
            return
        if self._closed:  # nothing would end the task: its members expire within the TTL
            logger.debug("liveview: presence registry is closed; its refresh task stays ended")
            return
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
