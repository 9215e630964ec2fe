"""Payload bytes per update: a counter on an empty page, and on a page with 300 other rows.

Starts uvicorn on a free loopback port (``bench/server.py``) and opens liveview's socket for
two pages, each with its own signed page token, ``csrf`` parameter, cookie and ``Origin``:

* **empty**: the demo's ``counter`` alone (``lv-1``);
* **busy**: the same counter (``lv-1``) next to ``bench/payload_app.py``'s live table of 300
  rows (``lv-2``).

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
    HOST,
    bench_env,
    exit_on_sigterm,
    free_port,
    migrate,
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


@dataclass(slots=True)
class PageResult:
    name: str
    first_bytes: int = 0
    first_ids: list[str] = field(default_factory=list)
    reply_bytes: list[int] = field(default_factory=list)


async def measure_page(
    port: int, name: str, more: list[tuple[str, dict[str, Any]]], events: int
) -> PageResult:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from liveview.core import conf

    result = PageResult(name)
    path, secret = page_socket_path(conf.websocket_path(), *COUNTER, *more)
    async with connect(
        f"ws://{HOST}:{port}{path}",
        origin=Origin(f"http://{HOST}:{port}"),
        additional_headers={"Cookie": f"csrftoken={secret}"},
        compression=None,
        ping_interval=None,
        max_size=2**24,
    ) as ws:
        first = await asyncio.wait_for(ws.recv(), 30)
        if not isinstance(first, str) or (epoch := EPOCH.search(first)) is None:
            raise RuntimeError(f"{name}: unexpected first frame {str(first)[:200]!r}")
        result.first_bytes = len(first.encode())
        result.first_ids = TOP_LEVEL_ID.findall(first)
        event: dict[str, Any] = {"lv": "lv-1", "event": "increment", "headers": {}}
        frame = json.dumps(event | {"lv_v": epoch.group(1)})
        for expected in range(1, events + 1):
            await ws.send(frame)
            reply = await asyncio.wait_for(ws.recv(), 30)
            if not isinstance(reply, str):
                raise RuntimeError(f"{name}: a binary frame")
            ids, count = TOP_LEVEL_ID.findall(reply), COUNT.search(reply)
            if ids != ["lv-1"] or count is None or int(count.group(1)) != expected:
                raise RuntimeError(
                    f"{name}: reply {expected} is not the counter alone at {expected}:"
                    f" ids {ids}, {reply[:200]!r}"
                )
            result.reply_bytes.append(len(reply.encode()))
    return result


async def measure(port: int, events: int) -> list[PageResult]:
    from bench.payload_app import ROWS_NAME

    return [
        await measure_page(port, "empty", [], events),
        await measure_page(port, "busy", [(ROWS_NAME, {"rows": ROWS})], events),
    ]


def measure_all(events: int) -> list[PageResult]:
    with tempfile.TemporaryDirectory(prefix="liveview-payload-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        port = free_port()
        log = Path(tmp) / "uvicorn.log"
        with uvicorn_server(env, port, log):
            try:
                results = asyncio.run(measure(port, events))
            except Exception:
                print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
                raise
    for r in results:
        print(
            f"{r.name:<6} first render {r.first_bytes:,} B ({', '.join(r.first_ids)});"
            f" increment replies {min(r.reply_bytes)}..{max(r.reply_bytes)} B",
            flush=True,
        )
    return results


# -- the runner's section (python -m bench) --------------------------------------------------


def run(quick: bool) -> Section:
    """20 increments per page (quick: 5), as a Section."""
    events = 5 if quick else 20
    empty, busy = measure_all(events)
    same = empty.reply_bytes == busy.reply_bytes
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
    return Section(
        name="payload",
        title="Payload bytes per update",
        command=".venv/bin/python bench/payload.py" + (" --events 5" if quick else ""),
        columns=(
            "page",
            "live components",
            "first render (B)",
            "increment frame (B)",
            "mean (B)",
        ),
        rows=rows,
        verdict=(
            f"one increment is {sum(busy.reply_bytes) / events:,.1f} B next to {ROWS} rows and"
            f" {sum(empty.reply_bytes) / events:,.1f} B on the empty page"
            f" ({'the same bytes, frame by frame' if same else 'NOT the same'};"
            " target: the same)"
        ),
        met=same,
        notes=(
            f"{events} increments per page over the real socket; each reply checked to hold the"
            " counter alone (one top-level element, `lv-1`, the expected count). Sizes are the"
            " UTF-8 text frames without compression.",
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
