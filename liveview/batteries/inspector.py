# The staff inspector at /liveview/: what this process's live pages are doing, gathered on
# demand (`inspect_process`) and shown by a live component that re-renders every second.
from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from channels.layers import get_channel_layer
from django_components import register

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.core.conf import layer_in_memory
from liveview.core.metrics import ByteSizes, ErrorRecord, metrics

#: The registered name of the inspector component (dotted: no project's name can clash).
NAME = "liveview.inspector"
#: Topics listed at most (the busiest first); the rest are counted.
TOPICS_SHOWN = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RenderRow:
    component: str
    renders: int
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class BytesRow:
    """What one component class (`event` empty), or the frames answering one event, sent."""

    component: str  # class name; "" for a frame the server sent on its own
    event: str  # the event's name, or "connect", "broadcast", "tick", "server"; "" per class
    sends: int  # frames (per class: frames it had a part in) since start
    total: int  # UTF-8 bytes since start
    p50: int  # median bytes per send, of the latest ones
    max: int  # the largest send since start

    @property
    def key(self) -> str:
        """`Class.event`, the event alone for the server's own frames, or the class alone."""
        if not self.event:
            return self.component
        return f"{self.component}.{self.event}" if self.component else self.event


@dataclass(frozen=True, slots=True)
class ProcessReport:
    """One look at this process; every number is this process's own."""

    pid: int
    uptime_s: float
    layer: str  # the channel layer's class
    layer_shared: bool  # other processes share it (not the in-memory layer)
    connections_open: int
    connections_opened: int
    connections_closed: int
    close_codes: list[tuple[int, int]]  # (code, how many), by code
    components: list[tuple[str, int]]  # mounted on open sockets, by class, most first
    events: int
    events_per_second: float
    renders: list[RenderRow]  # by class name
    bytes_by_component: list[BytesRow]  # most bytes first
    bytes_by_event: list[BytesRow]  # most bytes first
    topics: list[tuple[str, int]]  # (topic, subscribers on this process), busiest first
    topics_total: int
    errors: list[ErrorRecord]  # newest first
    errors_total: int


def inspect_process() -> ProcessReport:
    """Gather the report. Safe from the sync thread: it only copies what the loop writes."""
    from liveview.pubsub.hubs import all_hubs
    from liveview.socket.consumer import open_pages

    pages = _copied(open_pages)
    classes: Counter[str] = Counter()
    for page in pages:
        classes.update(type(r.component).__name__ for r in _copied(page.records.values))
    subscribers: Counter[str] = Counter()
    for current in _copied(all_hubs):
        for topic, members in _copied(current.members.items):
            subscribers[topic] += len(members)
    layer = get_channel_layer()
    renders = []
    for name, times in sorted(_copied(metrics.renders.items)):
        p50, p99 = times.percentiles()
        renders.append(RenderRow(name, times.count, round(p50 * 1e3, 3), round(p99 * 1e3, 3)))
    return ProcessReport(
        pid=os.getpid(),
        uptime_s=time.time() - metrics.started,
        layer=_class_path(layer) if layer is not None else "none",
        layer_shared=layer is not None and not layer_in_memory(layer),
        connections_open=len(pages),
        connections_opened=metrics.connections_opened,
        connections_closed=metrics.connections_closed,
        close_codes=sorted(_copied(metrics.close_codes.items)),
        components=classes.most_common(),
        events=metrics.events,
        events_per_second=metrics.events_per_second(),
        renders=renders,
        bytes_by_component=_busiest(
            BytesRow(name, "", *_sizes(sizes))
            for name, sizes in _copied(metrics.bytes_by_component.items)
        ),
        bytes_by_event=_busiest(
            BytesRow(name, ev, *_sizes(sizes))
            for (name, ev), sizes in _copied(metrics.bytes_by_event.items)
        ),
        topics=subscribers.most_common(TOPICS_SHOWN),
        topics_total=len(subscribers),
        errors=list(reversed(metrics.errors.copy())),
        errors_total=metrics.errors_total,
    )


def _sizes(sizes: ByteSizes) -> tuple[int, int, int, int]:
    return sizes.count, sizes.total, sizes.p50(), sizes.max


def _busiest(rows: Iterable[BytesRow]) -> list[BytesRow]:
    return sorted(rows, key=lambda row: (-row.total, row.key))


def _copied(items: Callable[[], Iterable[T]]) -> list[T]:
    """A list of `items()`, read again if the event loop's thread changed it meanwhile."""
    for _ in range(5):
        try:
            return list(items())
        except RuntimeError:  # "changed size during iteration"
            continue
    return []


def _class_path(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


@register(NAME)
class Inspector(LiveComponent):
    """The inspector's one component: staff only, re-rendered every second while open."""

    template_name = "liveview/inspector.html"
    live_tag = "section"
    staff_required = True
    tick_every = 1.0

    @event
    def clear_errors(self) -> None:
        metrics.errors.clear()

    def extra_context(self) -> Mapping[str, Any]:
        return {"report": inspect_process()}
