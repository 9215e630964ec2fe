"""Where click_dom's send→reply gap goes: the counter's event round trip from a Python client,
paced like the browser bench's clicks (one event, then a pause), against four sockets.

``bench/event_roundtrip.py`` sends events back to back; ``bench/click_dom.py`` clicks once every
10 ms. Between paced events the server's threads sleep, and each of liveview's thread hops
(the event to Django's sync thread, the frame back to the loop) wakes one: that costs more
after a pause than in a tight loop. Same server (``bench/server.py``'s uvicorn, the click_dom
settings), same permessage-deflate as Chromium, the frame the glue sends (``headers`` +
``body`` with ``lv_v`` and ``lv_seq``); blocks alternate between the sockets:

* ``liveview``: the demo's counter (``LiveConsumer``; ``@event(on_loop=True)``: no hop);
* ``liveview-thread``: ``bench/variants.py``'s ``ThreadLiveConsumer`` (the same page, every
  event in Django's sync thread, as a plain ``@event`` runs; the demo's says ``on_loop=True``);
* ``raw-hop``: the hand-written reply plus one ``sync_to_async`` hop (the hop alone);
* ``hand-written``: ``bench/click_dom_app.py``'s ``HandConsumer``.

    .venv/bin/python -m bench.paced_roundtrip --pause 10 --events 200
    .venv/bin/python -m bench.paced_roundtrip --pause 0          # as event_roundtrip: no pause

A measurement, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.click_dom import build_env  # noqa: E402
from bench.event_roundtrip import EPOCH, fetch_page  # noqa: E402
from bench.server import HOST, bench_env, free_port, migrate, uvicorn_server  # noqa: E402

#: The headers htmx 4's ws extension sends with a click (bench/click_dom.py's pages).
HEADERS = {
    "HX-Request": "true",
    "HX-Source": "button",
    "HX-Request-Type": "partial",
    "HX-Target": "button",
    "HX-Request-ID": "28f7e039-81d6-4f32-a74b-be2423d47ceb",
}


def glue_frame(url: str, body: dict[str, Any]) -> str:
    """A click's frame as the browser sends it: htmx's headers, the button's values."""
    return json.dumps({"headers": {**HEADERS, "HX-Current-URL": url}, "body": body})


def live_body(epoch: str, seq: int | None) -> dict[str, Any]:
    """The glue's values for the counter's Increment: the epoch, and the input's number."""
    body: dict[str, Any] = {"lv": "lv-1", "event": "increment", "lv_v": epoch}
    if seq is not None:
        body["lv_seq"] = seq
    return body


async def measure(port: int, events: int, block: int, pause_s: float) -> dict[str, list[float]]:
    from websockets.asyncio.client import ClientConnection, connect
    from websockets.typing import Origin

    from bench.click_dom_app import HAND_PATH
    from bench.raw import RAW_HOP_PATH, THREAD_PATH

    page = fetch_page(port)
    origin = f"http://{HOST}:{port}"
    url = f"{origin}/counter/"

    async def open_socket(path: str) -> ClientConnection:
        return await connect(
            f"ws://{HOST}:{port}{path}",
            origin=Origin(origin),
            additional_headers={"Cookie": f"csrftoken={page.csrf_cookie}"},
            compression="deflate",  # as Chromium negotiates it
            ping_interval=None,
        )

    async def live_epoch(ws: ClientConnection) -> str:
        found = EPOCH.search(str(await asyncio.wait_for(ws.recv(), 10)))
        if found is None:
            raise RuntimeError("the first frame carries no epoch")
        return found.group(1)

    query = page.socket_path.partition("?")[2]
    live, thread = await open_socket(page.socket_path), await open_socket(f"{THREAD_PATH}?{query}")
    hop, hand = await open_socket(RAW_HOP_PATH), await open_socket(HAND_PATH)
    live_v, thread_v = await live_epoch(live), await live_epoch(thread)
    seq = {"live": 0, "thread": 0}

    def live_frame() -> str:
        seq["live"] += 1
        return glue_frame(url, live_body(live_v, seq["live"]))

    def thread_frame() -> str:
        seq["thread"] += 1
        return glue_frame(url, live_body(thread_v, seq["thread"]))

    def hop_frame() -> str:  # bench/raw.py's consumers read the values at the top level
        return json.dumps({"lv": "lv-1", "event": "increment"})

    def hand_frame() -> str:
        return glue_frame(url, {"event": "increment"})

    sides: dict[str, tuple[ClientConnection, Callable[[], str]]] = {
        "liveview": (live, live_frame),
        "liveview-thread": (thread, thread_frame),
        "raw-hop": (hop, hop_frame),
        "hand-written": (hand, hand_frame),
    }
    samples: dict[str, list[float]] = {name: [] for name in sides}
    warmup_rounds = 2
    rounds = warmup_rounds + max(1, -(-events // block))
    names = list(sides)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            ws, frame = sides[name]
            for _ in range(block):
                await asyncio.sleep(pause_s)
                start = time.perf_counter_ns()
                await ws.send(frame())
                await ws.recv()
                if r >= warmup_rounds:
                    samples[name].append((time.perf_counter_ns() - start) / 1000)
    for ws, _ in sides.values():
        await ws.close()
    return samples


def report(samples: dict[str, list[float]], pause_ms: float) -> None:
    base = statistics.median(samples["hand-written"])
    print(f"send→reply from a Python client, {pause_ms:g} ms between events (µs):")
    for name, values in samples.items():
        p50 = statistics.median(values)
        over = f"+{p50 - base:6.1f} over hand-written"
        print(f"  {name:16s} p50 {p50:8.1f}  ({over}, n={len(values)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200, help="measured events per socket")
    parser.add_argument("--block", type=int, default=20, help="events per socket in a row")
    parser.add_argument("--pause", type=float, default=10.0, help="ms between events")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the paths' modules
    django.setup()
    with tempfile.TemporaryDirectory(prefix="liveview-paced-") as tmp:
        base = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(base)
        port = free_port()
        with uvicorn_server(build_env("htmx4beta", base), port, Path(tmp) / "uvicorn.log"):
            samples = asyncio.run(measure(port, args.events, args.block, args.pause / 1000))
    report(samples, args.pause)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
