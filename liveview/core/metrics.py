# This process's live numbers (connections, events, render times, bytes sent, recent errors)
# and the structured log records that go with them. Every hook is a few stores into bounded
# structures. Which component each byte of a frame is: frame_bytes.py.
from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent

T = TypeVar("T", int, float)
K = TypeVar("K", bound=Hashable)

#: Errors, as the `liveview` logger has always logged them (with the fields below added).
logger = logging.getLogger("liveview")
#: connect and disconnect, one record per event handled, one per render: all at DEBUG.
connection_log = logging.getLogger("liveview.connection")
event_log = logging.getLogger("liveview.event")
render_log = logging.getLogger("liveview.render")

#: Render times kept per component class: the latest ones, for p50 and p99.
RENDER_SAMPLES = 512
#: Recent errors kept.
ERRORS_KEPT = 50
#: Events per second: the average over this many whole seconds, the current one excluded.
RATE_WINDOW = 5
#: Sizes kept per component class and per event: the latest ones, for p50.
BYTES_SAMPLES = 256
#: Component classes, and events, whose bytes are kept apart; the rest are counted together.
BYTES_KEYS = 100

#: What caused a frame: (component class, event name), or ("", why) for the server's own turns.
Cause = tuple[str, str]
CONNECT: Cause = ("", "connect")
BROADCAST: Cause = ("", "broadcast")
TICK: Cause = ("", "tick")
#: A frame the server pushed for a reason none of the above names.
SERVER: Cause = ("", "server")
#: Where the bytes of the classes and events past `BYTES_KEYS` go.
OTHER_CLASS = "(other)"
OTHER_KEY: Cause = (OTHER_CLASS, "(other)")


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    at: float  # time.time()
    component: str  # class name
    component_id: str
    event: str | None
    error: str  # "ValueError: the message", clipped

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=UTC)


class RenderTimes:
    """The latest `RENDER_SAMPLES` render durations of one class (seconds) and how many ever."""

    __slots__ = ("count", "samples")

    def __init__(self) -> None:
        self.count = 0
        self.samples: deque[float] = deque(maxlen=RENDER_SAMPLES)

    def percentiles(self) -> tuple[float, float]:
        """(p50, p99) of the kept samples, in seconds; (0, 0) when there are none."""
        ordered = sorted(self.samples.copy())  # copy(): C-level, safe against a writer thread
        if not ordered:
            return 0.0, 0.0
        return _nearest_rank(ordered, 50), _nearest_rank(ordered, 99)


class ByteSizes:
    """What one component class, or one event, sent: sends and bytes since start, the largest
    send since start and the latest `BYTES_SAMPLES` sizes (UTF-8 bytes)."""

    __slots__ = ("count", "max", "samples", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0
        self.max = 0
        self.samples: deque[int] = deque(maxlen=BYTES_SAMPLES)

    def add(self, size: int) -> None:
        self.count += 1
        self.total += size
        if size > self.max:
            self.max = size
        self.samples.append(size)

    def p50(self) -> int:
        """The median of the kept sizes (nearest rank); 0 when there are none."""
        ordered = sorted(self.samples.copy())
        return _nearest_rank(ordered, 50) if ordered else 0


def _count_bytes(table: dict[K, ByteSizes], key: K, other: K, size: int) -> None:
    """Add `size` to `key`'s sizes; a key past the first BYTES_KEYS counts under `other`."""
    sizes = table.get(key)
    if sizes is None:
        sizes = table.setdefault(key if len(table) < BYTES_KEYS else other, ByteSizes())
    sizes.add(size)


def _nearest_rank(ordered: list[T], pct: int) -> T:
    rank = max(1, -(-pct * len(ordered) // 100))  # ceil(pct/100 * n)
    return ordered[rank - 1]


class Metrics:
    """Counters for one process. Written from the event loop and the sync thread alike: each
    write is a single bytecode-level store or a C-level append, so no lock is needed."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start every count again from zero, in place (importers keep the same object)."""
        self.started = time.time()
        self.connections_opened = 0
        self.connections_closed = 0
        self.close_codes: Counter[int] = Counter()
        self.events = 0
        self.renders: dict[str, RenderTimes] = {}
        self.errors: deque[ErrorRecord] = deque(maxlen=ERRORS_KEPT)
        self.errors_total = 0
        #: Bytes sent, by component class (its part of each frame) and by what caused the frame.
        self.bytes_by_component: dict[str, ByteSizes] = {}
        self.bytes_by_event: dict[Cause, ByteSizes] = {}
        # One bucket per second, indexed by the second modulo the ring's length.
        self._stamps = [-1] * (RATE_WINDOW + 1)
        self._counts = [0] * (RATE_WINDOW + 1)

    def count_event(self, now: float) -> None:
        self.events += 1
        second = int(now)
        i = second % len(self._stamps)
        if self._stamps[i] != second:
            self._stamps[i] = second
            self._counts[i] = 0
        self._counts[i] += 1

    def events_per_second(self, now: float | None = None) -> float:
        """The average over the last `RATE_WINDOW` whole seconds."""
        second = int(time.monotonic() if now is None else now)
        total = sum(
            n
            for stamp, n in zip(self._stamps, self._counts, strict=True)
            if second - RATE_WINDOW <= stamp < second
        )
        return total / RATE_WINDOW

    def count_component_bytes(self, cls_name: str, size: int) -> None:
        _count_bytes(self.bytes_by_component, cls_name, OTHER_CLASS, size)

    def count_event_bytes(self, cause: Cause, size: int) -> None:
        _count_bytes(self.bytes_by_event, cause, OTHER_KEY, size)

    def render_times(self, cls_name: str) -> RenderTimes:
        times = self.renders.get(cls_name)
        if times is None:
            times = self.renders.setdefault(cls_name, RenderTimes())
        return times


#: This process's metrics (per process: each server process keeps its own).
metrics = Metrics()


def reset() -> None:
    """Start every count again from zero (for tests)."""
    metrics.reset()


# -- hooks: called by the consumer and the page ------------------------------------------------


def connection_opened(components: int, user: object) -> float:
    """A socket's page is mounted and sent; returns the time to pass to `connection_closed`."""
    metrics.connections_opened += 1
    if connection_log.isEnabledFor(logging.DEBUG):
        connection_log.debug(
            "liveview: connect (%d components)",
            components,
            extra={"lv_action": "connect", "lv_components": components, "lv_user": user},
        )
    return time.monotonic()


def connection_closed(code: int | None, opened: float) -> None:
    metrics.connections_closed += 1
    if code is not None:
        metrics.close_codes[code] += 1
    if connection_log.isEnabledFor(logging.DEBUG):
        ms = (time.monotonic() - opened) * 1e3
        connection_log.debug(
            "liveview: disconnect (code %s after %.0f ms)",
            code,
            ms,
            extra={"lv_action": "disconnect", "lv_close_code": code, "lv_duration_ms": ms},
        )


def event_cause(comp: LiveComponent | None, event: str) -> Cause:
    """What the frames answering `event` are counted under."""
    return (type(comp).__name__ if comp is not None else "?", event[:64])


def event_handled(
    comp: LiveComponent | None, event: str, started: float, frame: str | None = None
) -> None:
    """One event ran (`started`: its `time.perf_counter()` when it arrived; `frame`: what
    answers it, None when nothing does)."""
    now = time.monotonic()
    metrics.count_event(now)
    if comp is not None and event_log.isEnabledFor(logging.DEBUG):
        ms = (time.perf_counter() - started) * 1e3
        name = type(comp).__name__
        event_log.debug(
            "liveview: %s.%s handled in %.2f ms",
            name,
            event[:64],
            ms,
            extra={
                "lv_action": "event",
                "lv_component": name,
                "lv_component_id": comp._lv.id,
                "lv_event": event[:64],
                "lv_duration_ms": ms,
                "lv_outcome": "ok" if comp._lv.error is None else "error",
                "lv_bytes": len(frame.encode()) if frame else 0,
            },
        )


def rendered(comp: LiveComponent, seconds: float) -> None:
    name = type(comp).__name__
    times = metrics.render_times(name)
    times.count += 1
    times.samples.append(seconds)
    if render_log.isEnabledFor(logging.DEBUG):
        render_log.debug(
            "liveview: rendered %s in %.2f ms",
            name,
            seconds * 1e3,
            extra={
                "lv_action": "render",
                "lv_component": name,
                "lv_component_id": comp._lv.id,
                "lv_duration_ms": seconds * 1e3,
            },
        )


def failed(
    message: str,
    comp: LiveComponent,
    exc: BaseException | None,
    *args: object,
    event: str | None = None,
) -> None:
    """A component's code raised: logged on `liveview` with its traceback, kept as recent."""
    name = type(comp).__name__
    error = "unknown error" if exc is None else _describe(exc)
    metrics.errors_total += 1
    metrics.errors.append(ErrorRecord(time.time(), name, comp._lv.id, event, error))
    fields: dict[str, Any] = {
        "lv_action": "error",
        "lv_component": name,
        "lv_component_id": comp._lv.id,
        "lv_event": event,
        "lv_error": type(exc).__name__ if exc is not None else None,
    }
    logger.error(message, *args, exc_info=exc, extra=fields)


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"
