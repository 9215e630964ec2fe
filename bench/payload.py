"""Payload bytes per update: a counter on an empty page, and on a page with 300 other rows.

Starts uvicorn on a free loopback port (``bench/server.py``) and opens liveview's socket for
two pages, each with its own signed page token, ``csrf`` parameter, cookie and ``Origin``:

* **empty**: the demo's ``counter`` alone (``lv-1``);
* **busy**: the same counter (``lv-1``) next to ``bench/payload_app.py``'s live table of 300
  rows (``lv-2``: the framework's own ``liveview.data.Table`` in a ``DataPage``).

On each it reads the connect's full render, then sends ``--events`` increments one at a time
and reads each reply: every reply must hold the counter and nothing else (one top-level
element, ``id="lv-1"``, the expected count), and the next frame must be the next reply, so no
frame slips in between. The figure is the reply's size in bytes on the wire (UTF-8 text, no
compression), on both pages.

    .venv/bin/python bench/payload.py

This is a measurement, not a test: it asserts nothing about size; it fails only when a reply
is not the counter's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.section import Section  # noqa: E402
from bench.server import (  # noqa: E402
    bench_env,
    exit_on_sigterm,
    free_port,
    migrate,
    page_connection,
    page_socket_path,
    share_settings,
    tail,
    uvicorn_server,
)

EPOCH = re.compile(r'id="lv-epoch" hidden data-v="([^"]*)"')
TOP_LEVEL_ID = re.compile(r'<div id="(lv-\d+)"[^>]*hx-swap-oob=')
COUNT = re.compile(r'<output class="count">(-?\d+)</output>')
COUNTER: tuple[str, dict[str, Any]] = ("counter", {"label": "First counter"})
ROWS = 300
ITEMS = 1000


@dataclass(slots=True)
class PageResult:
    name: str
    first_bytes: int = 0
    first_ids: list[str] = field(default_factory=list)
    reply_bytes: list[int] = field(default_factory=list)


async def measure_page(
    port: int, name: str, more: list[tuple[str, dict[str, Any]]], events: int
) -> PageResult:

    from liveview.core import conf
    from liveview.core.frame_bytes import frame_sizes
    from liveview.testing.dom import Document

    result = PageResult(name)
    path, secret = page_socket_path(conf.websocket_path(), *COUNTER, *more)
    async with page_connection(port, path, secret, max_size=2**24) as ws:
        first = await asyncio.wait_for(ws.recv(), 30)
        if not isinstance(first, str) or (epoch := EPOCH.search(first)) is None:
            raise RuntimeError(f"{name}: unexpected first frame {str(first)[:200]!r}")
        result.first_bytes = len(first.encode())
        result.first_ids = TOP_LEVEL_ID.findall(first)
        shown = Document(first)  # the page as the browser has it, each reply applied
        event: dict[str, Any] = {"lv": "lv-1", "event": "increment", "headers": {}}
        for expected in range(1, events + 1):
            # Numbered as the glue numbers each event: the reply acknowledges the number.
            await ws.send(json.dumps(event | {"lv_v": epoch.group(1), "lv_seq": expected}))
            reply = await asyncio.wait_for(ws.recv(), 30)
            if not isinstance(reply, str):
                raise RuntimeError(f"{name}: a binary frame")
            shown.apply(reply)
            ids = [cid for cid, _ in frame_sizes(reply)[1]]
            count = COUNT.search(str(shown.one("#lv-1")))
            if ids != ["lv-1"] or count is None or int(count.group(1)) != expected:
                raise RuntimeError(
                    f"{name}: reply {expected} is not the counter alone at {expected}:"
                    f" ids {ids}, {reply[:200]!r}"
                )
            result.reply_bytes.append(len(reply.encode()))
    return result


#: What a hand-written Channels + htmx page sends for the counter's change: the count alone.
HAND_WRITTEN = '<output id="count" hx-swap-oob="true">{n}</output>'


@dataclass(slots=True)
class ChangeResult:
    """One change to a component of `size` rows or items: the reply's bytes, and the bytes of
    the HTML that changed (the row, the item) as the page shows it."""

    name: str
    size: int
    reply_bytes: int
    changed_bytes: int
    whole_bytes: int


async def measure_change(
    port: int, name: str, size: int, event: dict[str, Any], check: str
) -> ChangeResult:
    """Connect a page showing component `name` of `size` rows or items alone, send `event`
    once, apply the reply to the page and find `check` (a CSS selector) in it."""

    from bench.payload_app import ITEMS_NAME, ROWS_NAME, ROWS_STREAM_NAME
    from liveview.core import conf
    from liveview.core.frame_bytes import frame_sizes
    from liveview.testing.dom import Document

    kwargs = {"items": size} if name == "items" else {"rows": size}
    component = {"rows": ROWS_NAME, "stream": ROWS_STREAM_NAME}.get(name, ITEMS_NAME)
    path, secret = page_socket_path(conf.websocket_path(), component, kwargs)
    async with page_connection(port, path, secret, max_size=2**24) as ws:
        first = await asyncio.wait_for(ws.recv(), 30)
        if not isinstance(first, str) or (epoch := EPOCH.search(first)) is None:
            raise RuntimeError(f"{name}: unexpected first frame {str(first)[:200]!r}")
        shown = Document(first)
        message = {"lv": "lv-1", "headers": {}, "lv_v": epoch.group(1), "lv_seq": 1, **event}
        await ws.send(json.dumps(message))
        reply = await asyncio.wait_for(ws.recv(), 30)
        # A stream's row is a part aimed at its container (its id), not the component.
        alone = [["lv-1"], ["lv-1-rows_rows"]] if name == "stream" else [["lv-1"]]
        if not isinstance(reply, str) or [c for c, _ in frame_sizes(reply)[1]] not in alone:
            raise RuntimeError(f"{name}: the reply is not the component alone: {reply[:200]!r}")
        shown.apply(reply)
        changed = shown.select(check)
        if len(changed) != 1:
            raise RuntimeError(f"{name}: after the reply, {check!r} is not on the page once")
        whole = len(str(shown.one("#lv-1")).encode())
        return ChangeResult(name, size, len(reply.encode()), len(str(changed[0]).encode()), whole)


async def measure_changes(port: int) -> list[ChangeResult]:
    results = []
    for name in ("rows", "stream"):  # the plain Table, and Table(stream=True)
        for rows in (30, ROWS):
            cell = {"event": "set_cell", "row": rows // 2, "value": "changed"}
            check = f'tbody > tr:nth-child({rows // 2 + 1}):-soup-contains("changed")'
            results.append(await measure_change(port, name, rows, cell, check))
    for items in (100, ITEMS):
        check = f"ul.items > li:nth-of-type({items + 1})"
        results.append(await measure_change(port, "items", items, {"event": "add"}, check))
    return results


async def measure(port: int, events: int) -> list[PageResult]:
    from bench.payload_app import ROWS_NAME

    return [
        await measure_page(port, "empty", [], events),
        await measure_page(port, "busy", [(ROWS_NAME, {"rows": ROWS})], events),
    ]


def measure_all(events: int) -> tuple[list[PageResult], list[ChangeResult]]:
    with tempfile.TemporaryDirectory(prefix="liveview-payload-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        port = free_port()
        log = Path(tmp) / "uvicorn.log"
        with uvicorn_server(env, port, log):
            try:
                results = asyncio.run(measure(port, events))
                changes = asyncio.run(measure_changes(port))
            except Exception:
                print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
                raise
    for r in results:
        print(
            f"{r.name:<6} first render {r.first_bytes:,} B ({', '.join(r.first_ids)});"
            f" increment replies {min(r.reply_bytes)}..{max(r.reply_bytes)} B",
            flush=True,
        )
    for c in changes:
        print(
            f"{c.name:<6} {c.size:>5}: reply {c.reply_bytes:,} B; the changed HTML"
            f" {c.changed_bytes:,} B; the whole component {c.whole_bytes:,} B",
            flush=True,
        )
    return results, changes


# -- the runner's section (python -m bench) --------------------------------------------------


def run(quick: bool) -> Section:
    """20 increments per page (quick: 5), and one change per table and list size, as a Section."""
    events = 5 if quick else 20
    (empty, busy), changes = measure_all(events)
    same = empty.reply_bytes == busy.reply_bytes
    click = sum(empty.reply_bytes) / len(empty.reply_bytes)
    hand = len(HAND_WRITTEN.format(n=events).encode())
    rows = [
        (
            label,
            ", ".join(r.first_ids),
            f"{r.first_bytes:,}",
            f"{min(r.reply_bytes):,}–{max(r.reply_bytes):,}",
            f"{sum(r.reply_bytes) / len(r.reply_bytes):,.1f}",
        )
        for label, r in (
            ("baseline: counter on an empty page", empty),
            (f"counter next to {ROWS} rows", busy),
        )
    ]
    rows.append(("hand-written Channels + htmx: the count alone", "", "", f"{hand}", f"{hand}"))
    for c in changes:
        table = "table (stream=True)" if c.name == "stream" else "table"
        what = (
            f"an item added to a {c.size:,}-item list (the item: {c.changed_bytes:,} B)"
            if c.name == "items"
            else f"one cell of a {c.size:,}-row {table} (the row: {c.changed_bytes:,} B)"
        )
        rows.append((what, "lv-1", "", f"{c.reply_bytes:,}", f"{c.reply_bytes:,}"))
    cells = [c for c in changes if c.name == "rows"]
    streamed = [c for c in changes if c.name == "stream"]
    items = [c for c in changes if c.name == "items"]
    cell_ratio = cells[-1].reply_bytes / cells[-1].changed_bytes
    stream_ratio = streamed[-1].reply_bytes / streamed[-1].changed_bytes
    # The same bytes whatever the length, but for the digits of the changed element's position
    # in its selector (`:nth-child(151)`): one more from 30 rows to 300, from 100 items to 1,000.
    flat = all(
        len({c.reply_bytes - len(str(c.size)) for c in group}) == 1 for group in (cells, items)
    )
    # A stream sends the row whole: the same bytes besides the row's, whatever the length.
    stream_flat = len({c.reply_bytes - c.changed_bytes for c in streamed}) == 1
    met = same and click <= 2 * hand and cell_ratio <= 2 and flat
    return Section(
        name="payload",
        title="Payload bytes per update",
        command=".venv/bin/python bench/payload.py" + (" --events 5" if quick else ""),
        columns=(
            "page",
            "live components",
            "first render (B)",
            "update frame (B)",
            "mean (B)",
        ),
        rows=rows,
        verdict=(
            f"one increment is {sum(busy.reply_bytes) / events:,.1f} B next to {ROWS} rows and"
            f" {click:,.1f} B on the empty page"
            f" ({'the same bytes, frame by frame' if same else 'NOT the same'}),"
            f" {click / hand:.1f}× the hand-written page's {hand} B (target: 2×); one cell of"
            f" {ROWS} rows {cell_ratio:.1f}× its row (target: 2×; as a stream"
            f" {stream_ratio:.1f}×, {'the same' if stream_flat else 'MORE'} whatever the length);"
            " a cell and an item cost"
            f" {'the same bytes whatever the length' if flat else 'MORE with the length'}"
            " (but for the digits of their position)"
        ),
        met=met,
        notes=(
            f"{events} increments per page over the real socket; each reply checked to change"
            " the counter alone (the page's DOM, every reply applied as htmx applies it, shows"
            " the expected count). A table cell (`set_cell`) and a list item (`add`) changed"
            " once on a page of that component alone, at two lengths (the table also as a"
            " stream, `Table(stream=True)`: the row changed is sent whole, in its place); the"
            " reply applied must"
            " show the change. Sizes are the UTF-8 text frames without compression. Each event"
            " is numbered (`lv_seq`) as the glue numbers it, so each reply ends with its"
            " acknowledgement besides the swaps: a comment `<!--lv:SEQ-->`, no"
            " element (the connect's frame ends with the connection's epoch element,"
            " `#lv-epoch`).",
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=20, help="increments per page")
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be positive")
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    measure_all(args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
