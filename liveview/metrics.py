# This process's live numbers (connections, events, render times, recent errors) and the
# structured log records that go with them. Every hook is a few stores into bounded structures.
from __future__ import annotations

import logging
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liveview.component import LiveComponent

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


def _nearest_rank(ordered: list[float], pct: int) -> float:
    rank = max(1, -(-pct * len(ordered) // 100))  # ceil(pct/100 * n)
    return ordered[rank - 1]


class Metrics:
    """Counters for one process. Written from the event loop and the sync thread alike: each
    write is a single bytecode-level store or a C-level append, so no lock is needed."""

    def __init__(self) -> None:
        self.started = time.time()
        self.connections_opened = 0
        self.connections_closed = 0
        self.close_codes: Counter[int] = Counter()
        self.events = 0
        self.renders: dict[str, RenderTimes] = {}
        self.errors: deque[ErrorRecord] = deque(maxlen=ERRORS_KEPT)
        self.errors_total = 0
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

    def render_times(self, cls_name: str) -> RenderTimes:
        times = self.renders.get(cls_name)
        if times is None:
            times = self.renders.setdefault(cls_name, RenderTimes())
        return times


#: This process's metrics (per process: each server process keeps its own).
metrics = Metrics()


def reset() -> None:
    """Start every count again from zero (for tests)."""
    metrics.__init__()  # type: ignore[misc]  # in place: importers keep the same object


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


def event_handled(comp: LiveComponent | None, event: str, started: float) -> None:
    """One event ran (`started`: its `time.perf_counter()` when it arrived)."""
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
                "lv_component_id": comp._lv_id,
                "lv_event": event[:64],
                "lv_duration_ms": ms,
                "lv_outcome": "ok" if comp._lv_error is None else "error",
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
                "lv_component_id": comp._lv_id,
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
    metrics.errors.append(ErrorRecord(time.time(), name, comp._lv_id, event, error))
    fields: dict[str, Any] = {
        "lv_action": "error",
        "lv_component": name,
        "lv_component_id": comp._lv_id,
        "lv_event": event,
        "lv_error": type(exc).__name__ if exc is not None else None,
    }
    logger.error(message, *args, exc_info=exc, extra=fields)


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"
