# This process's live numbers (connections, events, render times, recent errors) and the
# structured log records that go with them. Every hook is a few stores into bounded structures.
from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, AnyStr, TypeVar

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page

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


#: The last frame measured and its sizes: a broadcast pushes the very same frame to every page
#: showing the change, measured once (one tuple: replaced in one store, safe across threads).
_last_split: tuple[str, tuple[int, list[tuple[str, int]]]] = ("", (0, []))


def frame_sent(page: Page, frame: str, cause: Cause) -> None:
    """A frame leaves for the page's socket: its bytes, and each component's part of them."""
    global _last_split
    last, sizes = _last_split
    if frame is not last:
        sizes = frame_sizes(frame)
        _last_split = (frame, sizes)
    total, parts = sizes
    metrics.count_event_bytes(cause, total)
    components = page.components
    if len(parts) == 1:  # most frames: one component's part, no stream's
        cid, size = parts[0]
        comp = components.get(cid)
        if comp is not None:
            metrics.count_component_bytes(type(comp).__name__, size)
            return
    elif not parts:  # the epoch alone (an ack), say
        return
    # A stream's parts aim at its container or an item (`lv-1-items`, `lv-1-items-7`): they
    # are the owning component's, counted with its other parts of the frame as one send.
    owned: dict[str, int] = {}
    for cid, size in parts:
        owner = cid
        while owner not in components and owner.count("-") > 1:
            owner = owner.rsplit("-", 1)[0]
        owned[owner] = owned.get(owner, 0) + size
    for cid, size in owned.items():
        comp = components.get(cid)
        metrics.count_component_bytes(type(comp).__name__ if comp is not None else "?", size)


def frame_sizes(frame: str) -> tuple[int, list[tuple[str, int]]]:
    """The frame's UTF-8 size, and each top-level component's part of it: (DOM id, size).

    The frame's top-level elements are out of band: each carries `hx-swap-oob` (a nested
    component's wrapper does not). A component's part starts at such an element with an id
    and `data-lv` and ends at its closing tag, before the next out-of-band element (the
    epoch, the redirect). No HTML parsing: a few `find` calls over the text, or over its
    UTF-8 encoding (made once) when it is not ASCII, so that every offset is a byte offset.
    """
    if frame.isascii():  # O(1) in CPython: its characters are its bytes
        return len(frame), _parts(frame, _STR_MARKS)
    data = frame.encode()
    return len(data), [(cid.decode(), n) for cid, n in _parts(data, _BYTES_MARKS)]


# The attribute every top-level element has (or, for htmx 4's partial swaps, the element), and
# the rest of the marks, as text and as bytes.
_STR_MARKS = (
    ' hx-swap-oob="',
    "<",
    " ",
    'id="',
    '" data-lv="',
    '"',
    "</",
    ">",
    '<hx-partial hx-target="#',
    ":#",
)
_BYTES_MARKS = tuple(m.encode() for m in _STR_MARKS)


def _parts(text: AnyStr, marks: Sequence[AnyStr]) -> list[tuple[AnyStr, int]]:
    swap, lt, space, id_is, data_lv, quote, end_tag, gt, partial, aimed = marks
    starts: list[tuple[int, AnyStr, AnyStr | None]] = []  # ("<" at, tag, DOM id or None)
    partials: set[int] = set()  # where the partial swaps start
    at = text.find(swap)
    while at != -1:
        opened = text.rfind(lt, 0, at)
        tag, _, attrs = text[opened + 1 : at].partition(space)
        found = attrs.startswith(id_is) and data_lv in attrs
        begins = len(id_is)
        cid = attrs[begins : attrs.index(quote, begins)] if found else None
        value = at + len(swap)
        colon = text.find(aimed, value, text.find(quote, value))
        if colon != -1:  # a partial swap (docs/updates.md): its component is the selector's root
            cid = _root_id(text, colon + len(aimed), gt, quote, space)
            partials.add(opened)
        starts.append((opened, tag, cid))
        at = text.find(swap, value)
    at = text.find(partial)
    while at != -1:
        starts.append((at, partial[1:11], _root_id(text, at + len(partial), gt, quote, space)))
        partials.add(at)
        at = text.find(partial, at + len(partial))
    starts.sort(key=lambda s: s[0])
    partial_at = [opened in partials for opened, _, _ in starts]
    parts: list[tuple[AnyStr, int]] = []
    for i, (opened, tag, cid) in enumerate(starts):
        if cid is None:
            continue  # the epoch element, say: in the total, no one's part
        limit = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        closing = end_tag + tag + gt
        closed = text.rfind(closing, opened, limit)
        size = (limit if closed == -1 else closed + len(closing)) - opened
        if i and partial_at[i] and partial_at[i - 1] and starts[i - 1][2] == cid:
            parts[-1] = (cid, parts[-1][1] + size)  # the next partial swap of the same render
        else:
            parts.append((cid, size))
    return parts


def _root_id(text: AnyStr, at: int, gt: AnyStr, quote: AnyStr, space: AnyStr) -> AnyStr:
    """The DOM id a partial swap's selector starts from (`#lv-1>...`, `#lv-1 #row-7>...`)."""
    ends = [e for e in (text.find(gt, at), text.find(quote, at), text.find(space, at)) if e != -1]
    return text[at : min(ends)] if ends else text[at:]


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
