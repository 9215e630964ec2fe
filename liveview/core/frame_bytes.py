# Which component each byte of a frame is: a frame leaving for a socket is split into the
# top-level components' parts (no HTML parsing) and counted in the process's metrics.
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, AnyStr

from liveview.core import metrics as process
from liveview.core.metrics import Cause

if TYPE_CHECKING:
    from liveview.runtime.page import Page

#: The process's counters, bound by an assignment, not an import: CPython takes an imported name
#: for a module and calls its methods through a bound method made at each call.
_metrics = process.metrics

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
    _metrics.count_event_bytes(cause, total)
    components = page.components
    if len(parts) == 1:  # most frames: one component's part, no stream's
        cid, size = parts[0]
        comp = components.get(cid)
        if comp is not None:
            _metrics.count_component_bytes(type(comp).__name__, size)
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
        _metrics.count_component_bytes(type(comp).__name__ if comp is not None else "?", size)


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
