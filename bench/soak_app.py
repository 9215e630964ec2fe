"""The server side of ``bench/soak.py``: a sequence-number component and a control socket.

* ``SoakTopic`` is a viewer-independent LiveComponent subscribed to one topic URI; it shows the
  topic's sequence number, read from ``SEQ`` (a process-level dict) in ``mount``, so every
  reload (``refresh``) shows what the "database" holds now.
* ``SoakControlConsumer`` answers one JSON object per text frame:
  ``start <rate> <topics> [drop]`` starts the publisher task (round-robin over the topics: bump
  the topic's number in ``SEQ``, then ``apublish(changed("PUT", ...))``, as a real save would)
  and the ledger of what each page is handed; ``drop`` > 0 is a deliberate fault: the hub
  drops the ``drop``-th change it receives (the loss check must then fail);
  ``stop`` stops it and answers the last number per topic; ``state`` answers what the process
  holds (open sockets, the hub's members, topics and tasks, the in-memory layer's groups and
  queued buffers, the connection counts, asyncio tasks, live objects after a collection);
  ``types`` the object types that grew most since the previous ``types`` (the publisher
  paused and the hub's backlog drained meanwhile: the census stalls the loop ~0.2 s, which
  must not be what the soak measures); ``lost`` what ``bench/soak_ledger.py`` found: changes
  some open page was neither handed nor reloaded past; ``collect`` runs
  ``gc.collect()`` and answers the process's RSS (KiB), its allocated blocks and gc-tracked
  objects, and the open pages; ``trace <frames> <lines>`` answers the
  allocations grown most since the previous ``trace``, grouped by traceback (the first starts
  tracemalloc; see ``bench/memory.py --trace``).

The pages' sockets are liveview's own consumer at liveview's own path. Nothing here is part of
liveview: the ledger watches ``Page.showing`` (which every delivery path asks for the
components a batch of changes concerns) through a wrapper installed by ``start``.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import os
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django_components import register

from bench.soak_ledger import Ledger
from liveview import LiveComponent
from liveview.pubsub.hub import HEARTBEAT_TYPE, Hub, existing_hub
from liveview.pubsub.publish import apublish, changed
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime.page import Page
from liveview.socket import limits
from liveview.socket.consumer import LiveConsumer, _open, open_count

SOAK_CONTROL_PATH = "/ws/bench/soak/"
SOAK_NAME = "bench_soak_topic"
SOAK_COLLECTION = "/soak/"
#: The last sequence number of each topic URI: what SoakTopic shows ("the database").
SEQ: dict[str, int] = {}
#: What each SoakTopic was handed (see bench/soak_ledger.py).
LEDGER: Ledger[SoakTopic] = Ledger()
#: Seconds the hub's backlog may take to drain before a census (it goes ahead after that).
DRAIN_TIMEOUT = 5.0


def topic_uri(index: int) -> str:
    return f"{SOAK_COLLECTION}t{index}"


@register(SOAK_NAME)
class SoakTopic(LiveComponent):
    viewer_independent = True
    template = '<p class="seq" data-topic="{{ uri }}" data-seq="{{ seq }}">{{ uri }} #{{ seq }}</p>'

    def mount(self, uri: str = "") -> None:
        self.uri = uri
        self.seq = SEQ.get(uri, 0)
        LEDGER.mounted(self, uri, self.seq)  # the first mount (a refresh() mounts again)

    def subscriptions(self) -> list[Subscription]:
        return [self.uri]


class Publisher:
    """`rate` changes per second, round-robin over `topics` URIs, on a fixed schedule."""

    def __init__(self, rate: float, topics: int) -> None:
        self.rate = rate
        self.uris = [topic_uri(i) for i in range(topics)]
        self.published = 0
        self.late = 0  # ticks that started more than one period behind the schedule
        self.max_lag_ms = 0.0
        # The deepest backlogs seen at a tick: the hub's own queue of changes, and its channel
        # in the layer (the in-memory layer drops a group message to a full channel silently).
        self.max_hub_queue = 0
        self.max_layer_queue = 0
        self.task: asyncio.Task[None] | None = None
        # Held for each change; `paused` holds it while a census runs.
        self._gate = asyncio.Lock()
        self._resumed = False  # the schedule restarts after a pause (no burst, no late ticks)
        self.paused_s = 0.0

    def start(self) -> None:
        for uri in self.uris:
            SEQ.setdefault(uri, 0)
        self.task = asyncio.create_task(self._run(), name="bench-soak-publisher")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None

    async def _run(self) -> None:
        period = 1.0 / self.rate
        due = time.monotonic()
        while True:
            async with self._gate:
                if self._resumed:
                    self._resumed = False
                    due = time.monotonic()
                lag = time.monotonic() - due
                self.max_lag_ms = max(self.max_lag_ms, lag * 1000)
                if lag > period:
                    self.late += 1
                self._backlogs()
                uri = self.uris[self.published % len(self.uris)]
                SEQ[uri] += 1  # the save, then its publish
                await apublish(changed("PUT", uri, SOAK_COLLECTION, str(SEQ[uri])))
                self.published += 1
            due += period
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    @asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """No change is published inside, and the hub's backlog was delivered on entry: a
        stall of the loop inside holds no page behind (nothing changes meanwhile)."""
        async with self._gate:
            started = time.monotonic()
            await drained()
            try:
                yield
            finally:
                self._resumed = True
                self.paused_s += time.monotonic() - started

    def _backlogs(self) -> None:
        hub = existing_hub()
        if hub is None:
            return
        self.max_hub_queue = max(self.max_hub_queue, hub._queue.qsize())
        channels: dict[str, asyncio.Queue[Any]] = getattr(get_channel_layer(), "channels", {})
        queue = channels.get(hub.channel or "")
        if queue is not None:
            self.max_layer_queue = max(self.max_layer_queue, queue.qsize())

    def stats(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "late": self.late,
            "max_lag_ms": round(self.max_lag_ms, 1),
            "max_hub_queue": self.max_hub_queue,
            "max_layer_queue": self.max_layer_queue,
            "paused_s": round(self.paused_s, 2),
            "gc_objects": len(gc.get_objects()),
            "pending": pending_changes(),
            "seq": {uri: SEQ.get(uri, 0) for uri in self.uris},
        }


_publisher: list[Publisher] = []


async def drained() -> None:
    """Return once the hub's queue and its layer channel are empty (at most DRAIN_TIMEOUT)."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        hub = existing_hub()
        channels: dict[str, asyncio.Queue[Any]] = getattr(get_channel_layer(), "channels", {})
        queue = channels.get(hub.channel or "") if hub is not None else None
        if hub is None or (hub._queue.empty() and (queue is None or queue.empty())):
            return
        await asyncio.sleep(0.01)  # the hub's tasks deliver meanwhile


def watch_pages(drop: int) -> None:
    """Record in LEDGER each change a SoakTopic is handed (once per process); with `drop`
    > 0, the hub drops the `drop`-th change it receives (a deliberate fault)."""
    if not getattr(Page.showing, "soak_watched", False):
        Page.showing = _recording(Page.showing)  # type: ignore[method-assign,assignment]
    if drop > 0:
        Hub._received = _dropping(Hub._received, drop)  # type: ignore[method-assign,assignment]


Showing = Callable[[Page, list[ResourceChanged]], list[tuple[LiveComponent, list[ResourceChanged]]]]


def _recording(showing: Showing) -> Showing:
    @functools.wraps(showing)
    def recorded(
        page: Page, changes: list[ResourceChanged]
    ) -> list[tuple[LiveComponent, list[ResourceChanged]]]:
        found = showing(page, changes)
        for comp, relevant in found:
            if isinstance(comp, SoakTopic):
                for change in relevant:
                    if change.uri != comp.uri:
                        continue
                    if change.etag is None:  # a reload: it reads at least what SEQ holds now
                        LEDGER.reloaded(comp, SEQ.get(comp.uri, 0))
                    else:
                        LEDGER.handed(comp, int(change.etag))
        return found

    recorded.soak_watched = True  # type: ignore[attr-defined]
    return recorded


def _dropping(
    received: Callable[[Hub, dict[str, Any]], None], drop: int
) -> Callable[[Hub, dict[str, Any]], None]:
    count = [0]

    @functools.wraps(received)
    def dropping(hub: Hub, message: dict[str, Any]) -> None:
        if message.get("type") != HEARTBEAT_TYPE:
            count[0] += 1
            if count[0] == drop:
                return  # the fault: this change never reaches a page
        received(hub, message)

    return dropping


def pending_changes() -> tuple[int, int]:
    """(total, longest) `pending` over the open pages' component records: changes a twin
    took the HTML of but has not applied to its state yet."""
    lengths = [
        len(record.pending)
        for consumer in list(_open)
        if consumer.page is not None
        for record in consumer.page.records.values()
    ]
    return sum(lengths), max(lengths, default=0)


_type_counts: list[Counter[str]] = []


def type_growth() -> dict[str, int]:
    """The object types whose live count grew most since the previous call (gc-tracked only)."""
    gc.collect()
    now = Counter(type(o).__qualname__ for o in gc.get_objects())
    before = _type_counts[0] if _type_counts else Counter()
    _type_counts[:] = [now]
    grown = {name: now[name] - before[name] for name in now}
    return dict(sorted(grown.items(), key=lambda kv: -kv[1])[:8])


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def collected() -> dict[str, int]:
    """After `gc.collect()`: the process's RSS (KiB), the blocks Python's allocator holds
    (`sys.getallocatedblocks()`: every live object and buffer it handed out, whatever the
    arenas and glibc keep around them), the objects the collector tracks, and the open pages."""
    gc.collect()
    return {
        "pid": os.getpid(),
        "rss_kib": rss_kib(os.getpid()),
        "blocks": sys.getallocatedblocks(),
        "gc_objects": len(gc.get_objects()),
        "open_count": open_count(),
    }


_snapshots: list[tracemalloc.Snapshot] = []


def trace_growth(frames: int, limit: int) -> list[str]:
    """The allocations grown most since the previous call, grouped by traceback. The first
    call starts tracemalloc (`frames` deep) and answers nothing."""
    if not tracemalloc.is_tracing():
        tracemalloc.start(frames)
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    previous = _snapshots[0] if _snapshots else None
    _snapshots[:] = [snapshot]
    if previous is None:
        return []
    stats = snapshot.compare_to(previous, "traceback")
    owners: Counter[str] = Counter()
    for stat in stats:
        owners[_owner(stat.traceback)] += stat.size_diff
    lines = [
        "by owner (the innermost package with a frame in the traceback): "
        + ", ".join(f"{name} {size:+,} B" for name, size in owners.most_common())
    ]
    for stat in sorted(stats, key=lambda st: (_owner(st.traceback) != "liveview", -st.size_diff))[
        :limit
    ]:
        where = [f"{Path(f.filename).name}:{f.lineno}" for f in reversed(stat.traceback)]
        lines.append(f"{stat.size_diff:+,} B in {stat.count_diff:+,} blocks: " + " < ".join(where))
    return lines


_OWNERS = (
    "liveview",
    "django_components",
    "django",
    "channels",
    "uvicorn",
    "wsproto",
    "websockets",
    "h11",
    "httptools",
    "asyncio",
)


def _owner(traceback: tracemalloc.Traceback) -> str:
    """Whose allocation: the package of the most recent frame that is not the stdlib's
    (asyncio counts as its own), else "other"."""
    for frame in reversed(traceback):  # most recent first
        parts = Path(frame.filename).parts
        for name in _OWNERS:
            if name in parts:
                return name
    return "other"


def process_state() -> dict[str, Any]:
    """What this process holds for live pages: to compare before and after a run."""
    hub = existing_hub()
    layer = get_channel_layer()
    groups: dict[str, Any] = getattr(layer, "groups", {})
    channels: dict[str, Any] = getattr(layer, "channels", {})
    gc.collect()
    live_objects = {"LiveConsumer": 0, "Page": 0, "SoakTopic": 0}
    for obj in gc.get_objects():
        for name, cls in (("LiveConsumer", LiveConsumer), ("Page", Page), ("SoakTopic", SoakTopic)):
            if isinstance(obj, cls):
                live_objects[name] += 1
    tasks = asyncio.all_tasks()
    return {
        "pid": os.getpid(),
        "open_count": open_count(),
        "hub": None
        if hub is None
        else {
            "members": sum(len(m) for m in hub.members.values()),
            "member_topics": len(hub.members),
            "topics_of": len(hub.topics_of),
            "tasks": sum(1 for t in hub._tasks if not t.done()),
            "queue": hub._queue.qsize(),
            "recent": len(hub.received._recent),
            "channel": hub.channel,
        },
        "layer_groups": len(groups),
        "layer_group_members": sum(len(g) for g in groups.values()),
        "layer_channels": len(channels),
        "layer_queued": sum(q.qsize() for q in channels.values()),
        "layer_channel_names": sorted(channels)[:5],
        "connections_users": sum(limits.connections().users.values()),
        "connections_ips": sum(limits.connections().ips.values()),
        "tasks": len(tasks),
        "task_names": sorted(t.get_name() for t in tasks),
        "live_objects": live_objects,
    }


class SoakControlConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        command, *args = (text_data or "").split()
        answer: dict[str, Any]
        if command == "start" and len(args) in (2, 3) and not _publisher:
            watch_pages(int(args[2]) if len(args) == 3 else 0)
            publisher = Publisher(float(args[0]), int(args[1]))
            publisher.start()
            _publisher.append(publisher)
            answer = publisher.stats()
        elif command == "stop" and _publisher:
            publisher = _publisher.pop()
            await publisher.stop()
            answer = publisher.stats()
        elif command == "stats" and _publisher:
            answer = _publisher[0].stats()
        elif command == "types" and _publisher:
            async with _publisher[0].paused():
                answer = type_growth()
        elif command == "types":
            answer = type_growth()
        elif command == "lost" and args:
            numbers, pages = LEDGER.lost(json.loads(args[0]))
            answer = {
                "numbers": numbers,
                "pages": pages,
                "watched": len(LEDGER),
                "handed": LEDGER.handed_count,
            }
        elif command == "state":
            answer = process_state()
        elif command == "collect":
            answer = collected()
        elif command == "trace":
            frames, limit = (int(a) for a in (args + ["12", "15"])[:2])
            answer = {"top": trace_growth(frames, limit)}
        else:
            await self.close(code=4000)
            return
        await self.send(text_data=json.dumps(answer))
