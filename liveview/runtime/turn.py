# One socket's turns. Whatever changes a live page runs as a turn: an event, a hub delivery,
# the catch-up after subscribing, a tick, a timer. A turn holds the socket's lock (one at a
# time), sends its frame through the outbox in order, applies the changes that arrived
# meanwhile, then keeps the socket subscribed to what its page shows and arms its timers.
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from liveview.core.metrics import BROADCAST, Cause
from liveview.pubsub import presence
from liveview.pubsub.hubs import installed
from liveview.pubsub.resources import NO_TOPICS, ResourceChanged
from liveview.pubsub.subscriptions import Hub, Mark
from liveview.runtime import ticks
from liveview.runtime.fanout import frames_for
from liveview.runtime.page import Page, in_sync_thread


class Turn:
    """What one socket's turns share: its page, lock, deferred changes, outbox and topics."""

    __slots__ = (
        "control_topics",
        "deferred",
        "hub",
        "lock",
        "page",
        "push",
        "socket",
        "ticker",
    )

    def __init__(self, socket: presence.Viewing, push: Callable[[str, Cause], None]) -> None:
        #: What the hub and presence know the socket by (the consumer).
        self.socket = socket
        #: The socket's page once mounted; None before and once the socket let go of it.
        self.page: Page | None = None
        # Held while an event runs and while a broadcast renders this page: never both at once.
        self.lock = asyncio.Lock()
        #: Changes delivered while a turn held the lock: applied when that turn ends.
        self.deferred: list[ResourceChanged] = []
        #: Sends a frame, its bytes counted under a cause; never waits (liveview.socket.outbox).
        self.push = push
        self.hub: Hub | None = None
        #: The per-user topics this socket follows besides its page's (see liveview.authz).
        self.control_topics: frozenset[str] = NO_TOPICS
        #: The task that runs `tick()` (liveview.runtime.ticks), while some component ticks.
        self.ticker: asyncio.Task[None] | None = None

    def join_hub(self) -> Hub | None:
        """This loop's hub (liveview.pubsub.hubs: opened by the server's lifespan, or now under
        a server without one), kept for the socket's life."""
        if self.hub is None:
            self.hub = installed().open()
        return self.hub

    def held(self, page: Page, *, settle: bool = True) -> Held:
        """One turn on `page`: the body runs under the lock; the changes deferred meanwhile are
        applied before it is released; then (`settle`) topics are followed and timers armed."""
        return Held(self, page, settle)

    async def run(self, page: Page, work: Callable[[], str | None], cause: Cause) -> bool:
        """Run `work` (in Django's sync thread) as one turn and send its frame (its bytes
        counted under `cause`); False when the page is no longer the socket's."""
        if self.page is not page:
            return False  # closed, or its access was revoked
        async with self.held(page):
            frame = await in_sync_thread(work)()
            if frame:
                self.push(frame, cause)
        return True

    async def settle(self) -> None:
        """After a turn: follow what the page now shows, start ticking, arm new timers."""
        await self.follow_topics()
        ticks.start(self)

    async def follow_topics(self) -> set[str]:
        """Keep this socket subscribed to exactly what its page shows; the topics joined."""
        page = self.page
        if page is None or not page.topics_changed:
            return set()
        page.topics_changed = False
        current = self.join_hub()
        if current is None:
            return set()
        joined = await current.set_topics(self.socket, page.topics() | self.control_topics)
        await presence.follow(self.socket)  # after subscribing: its own join reaches it
        return joined

    async def catch_up(self, seen: Mark) -> None:
        """After subscribing: apply what changed between the mount's reads and the subscription.

        Changes the hub received meanwhile are in its log. For a topic this process joined
        meanwhile (for this page or another), a change may have come and gone unseen before
        the membership took effect: its components reload once.
        """
        page, current = self.page, self.hub
        if page is None or current is None:
            return
        topics = page.topics()
        joined = current.joined_since(seen, topics)
        missed = current.changes_since(seen.seq, topics)
        if missed is None:
            joined = set(topics)  # the log no longer reaches back: reload everything shown
            missed = []
        missed += [ResourceChanged("PUT", topic, topic, None) for topic in sorted(joined)]
        if not missed:
            return
        async with self.held(page):
            frame = await in_sync_thread(page.changed)(missed)
            if frame:
                self.push(frame, BROADCAST)

    def stop(self) -> None:
        """The socket is closing: no more ticks or timers."""
        ticks.stop(self)

    async def leave(self) -> None:
        """The socket closed: it lets go of its page and of its topics (once)."""
        ticks.stop(self)
        self.page = None
        current, self.hub = self.hub, None
        if current is not None:
            await current.leave(self.socket)


class Held:
    """`Turn.held`'s context (a class: every event enters one, and a generator-based context
    manager costs a few µs more per event)."""

    __slots__ = ("page", "settle", "turn")

    def __init__(self, turn: Turn, page: Page, settle: bool) -> None:
        self.turn, self.page, self.settle = turn, page, settle

    async def __aenter__(self) -> None:
        await self.turn.lock.acquire()
        started(self.page)

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        turn = self.turn
        try:
            if exc_type is None and turn.deferred:  # broadcasts that arrived during the turn
                deferred, turn.deferred = turn.deferred, []
                started(self.page)  # a delivery's turn, in this one's lock
                frame = await in_sync_thread(self.page.changed)(deferred)
                if frame:
                    turn.push(frame, BROADCAST)
        finally:
            turn.lock.release()
        if exc_type is None and self.settle:
            await turn.settle()


def started(page: Page) -> None:
    """A turn starts on `page` (the only place one does): what it runs may change any state, so
    a rollback copy kept before it is no longer good (liveview.runtime.rollback)."""
    page.turns += 1


async def deliver(targets: dict[Turn, list[ResourceChanged]]) -> None:
    """One hub delivery to this process's sockets: every free page renders in one thread hop
    (liveview.runtime.fanout); a page in a turn gets its changes when that turn ends."""
    ready: dict[Turn, list[ResourceChanged]] = {}
    for turn, changes in targets.items():
        if turn.page is None:
            continue
        if turn.lock.locked():
            turn.deferred.extend(changes)  # applied when its turn ends
            continue
        await turn.lock.acquire()  # free: returns at once, without yielding
        started(turn.page)
        ready[turn] = changes
    quiet: set[Turn] = set()
    try:
        frames: dict[Any, str | None] = (
            await in_sync_thread(frames_for)(ready, quiet) if ready else {}
        )
        for turn, frame in frames.items():
            if frame and turn.page is not None:
                turn.push(frame, BROADCAST)  # never waits on a slow reader
    finally:
        for turn in ready:
            turn.lock.release()
    for turn in ready:
        page = turn.page
        if page is None:
            continue
        # A page that only took twins' HTML ran none of its code: its topics, timers and
        # ticking components are as its last turn settled them (most pages of a broadcast).
        if turn not in quiet or page.topics_changed or page._timers:
            await turn.settle()
