"""Event round-trip: liveview's counter against a hand-written Channels consumer.

Starts uvicorn on a free loopback port (DEBUG off, a throw-away SQLite database), serving
``bench.asgi:application``: liveview's socket and the raw baseline's socket behind the same
middleware. Then, on one socket each, it sends an ``increment`` frame and waits for the reply,
one event at a time, alternating blocks between the two sides so that drift (CPU frequency,
other load) hits both alike. Prints medians, p90s, their ratio and the framework's overhead.

    .venv/bin/python bench/event_roundtrip.py              # or: make bench
    .venv/bin/python bench/event_roundtrip.py --profile    # in-process, under cProfile

This is a measurement, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import html
import http.client
import os
import pstats
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
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
    share_settings,
    uvicorn_server,
)

PAGE = "/counter/"
FRAME = '{"lv": "lv-1", "event": "increment", "headers": {}}'
EPOCH = re.compile(r'id="lv-epoch" hidden data-v="([^"]*)"')
REPLY_PREFIX = '<div id="lv-1" '
#: An event's reply: the counter's number alone (a partial swap, docs/updates.md).
UPDATE_PREFIXES = ('<hx-partial hx-target="#lv-1>', '<div hx-swap-oob="innerHTML:#lv-1>')
FRAMEWORK = "framework"
BASELINE = "baseline"
#: The same counter with its events in Django's sync thread, as a plain ``@event`` runs (the
#: demo's says ``on_loop=True``): ``bench/variants.py``'s ``ThreadLiveConsumer``.
THREAD = "thread"


# -- results --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    n: int
    median_us: float
    p90_us: float
    p99_us: float
    mean_us: float
    min_us: float

    @classmethod
    def of(cls, samples_ns: list[int]) -> Summary:
        us = sorted(s / 1000 for s in samples_ns)
        return cls(
            n=len(us),
            median_us=statistics.median(us),
            p90_us=_percentile(us, 0.90),
            p99_us=_percentile(us, 0.99),
            mean_us=statistics.fmean(us),
            min_us=us[0],
        )

    def line(self, name: str) -> str:
        return (
            f"{name:<11} n={self.n:<5} median {self.median_us:7.1f} µs  p90 {self.p90_us:7.1f} µs"
            f"  p99 {self.p99_us:7.1f} µs  mean {self.mean_us:7.1f} µs  min {self.min_us:7.1f} µs"
        )


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


@dataclass(frozen=True, slots=True)
class Measured:
    summaries: dict[str, Summary]
    block_ratios: list[float]
    reply_bytes: int
    identical: bool


def report(results: dict[str, list[int]], block_ratios: list[float]) -> dict[str, Summary]:
    summaries = {name: Summary.of(samples) for name, samples in results.items()}
    for name, summary in summaries.items():
        print(summary.line(name))
    base = summaries[BASELINE]
    for name, summary in summaries.items():
        if name == BASELINE:
            continue
        print(
            f"ratio {name}/{BASELINE}: median {summary.median_us / base.median_us:.2f}"
            f"   p90 {summary.p90_us / base.p90_us:.2f}"
            f"   overhead (difference of medians) {summary.median_us - base.median_us:.1f} µs/event"
        )
    if block_ratios:
        print(
            f"per-block median ratio {FRAMEWORK}/{BASELINE}: min {min(block_ratios):.2f}"
            f"  median {statistics.median(block_ratios):.2f}  max {max(block_ratios):.2f}"
        )
    return summaries


# -- the page -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LivePage:
    socket_path: str  # "/ws/liveview/?t=..."
    csrf_cookie: str  # the csrftoken cookie's value

    @classmethod
    def from_response(cls, body: str, set_cookies: list[str]) -> LivePage:
        match = re.search(r'<script src="[^"]*liveview\.js" data-url="([^"]+)"', body)
        if match is None:
            raise RuntimeError(f"no live script tag in {PAGE}")
        jar: SimpleCookie = SimpleCookie()
        for header in set_cookies:
            jar.load(header)
        if "csrftoken" not in jar:
            raise RuntimeError(f"{PAGE} did not set the csrftoken cookie")
        return cls(socket_path=html.unescape(match.group(1)), csrf_cookie=jar["csrftoken"].value)


def fetch_page(port: int) -> LivePage:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", PAGE)
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {PAGE}: {response.status}\n{body[:500]}")
        return LivePage.from_response(body, response.headers.get_all("Set-Cookie") or [])
    finally:
        conn.close()


# -- the measurement ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    name: str
    path: str
    live: bool  # a liveview socket: sends a full render first


def sides(page: LivePage, variants: bool) -> list[Side]:
    from bench.raw import RAW_HOP_PATH, RAW_PATH, THREAD_PATH

    query = page.socket_path.partition("?")[2]
    chosen = [
        Side(FRAMEWORK, page.socket_path, True),
        Side(BASELINE, RAW_PATH, False),
        Side(THREAD, f"{THREAD_PATH}?{query}", True),
    ]
    if variants:
        chosen.append(Side("raw+hop", RAW_HOP_PATH, False))
    return chosen


def stamped(first_frame: str) -> str:
    """The event frame as the glue sends it: with the epoch the connect's frame carries."""
    found = EPOCH.search(first_frame)
    if found is None:
        raise RuntimeError("the first frame carries no epoch")
    return FRAME[:-1] + f', "lv_v": "{found.group(1)}"}}'


async def measure(port: int, page: LivePage, args: argparse.Namespace) -> Measured:
    from contextlib import AsyncExitStack

    from websockets.asyncio.client import ClientConnection, connect
    from websockets.typing import Origin

    origin = Origin(f"http://{HOST}:{port}")
    headers = {"Cookie": f"csrftoken={page.csrf_cookie}"}

    frames: dict[ClientConnection, str] = {}

    async def roundtrip(ws: ClientConnection) -> tuple[int, str]:
        start = time.perf_counter_ns()
        await ws.send(frames.get(ws, FRAME))
        reply = await ws.recv()
        elapsed = time.perf_counter_ns() - start
        if not isinstance(reply, str) or not reply.startswith(UPDATE_PREFIXES):
            raise RuntimeError(f"unexpected reply: {str(reply)[:300]!r}")
        return elapsed, reply

    async def block(ws: ClientConnection, n: int) -> list[int]:
        return [(await roundtrip(ws))[0] for _ in range(n)]

    async with AsyncExitStack() as stack:
        sockets: dict[str, ClientConnection] = {}
        for side in sides(page, args.variants):
            ws = await stack.enter_async_context(
                connect(
                    f"ws://{HOST}:{port}{side.path}",
                    origin=origin,
                    additional_headers=headers,
                    compression="deflate" if args.deflate else None,
                    ping_interval=None,
                    max_size=2**22,
                )
            )
            if side.live:
                first = await asyncio.wait_for(ws.recv(), 10)
                if not isinstance(first, str) or REPLY_PREFIX not in first:
                    raise RuntimeError(f"unexpected first frame on {side.name}: {first!r:.200}")
                frames[ws] = stamped(first)
            sockets[side.name] = ws

        # Same frame in, same bytes out: the baseline is a fair stand-in for the counter.
        replies: dict[str, str] = {}
        for name, ws in sockets.items():
            replies[name] = (await asyncio.wait_for(roundtrip(ws), 10))[1]
        live_reply, raw_reply = replies[FRAMEWORK], replies[BASELINE]
        same = "identical" if live_reply == raw_reply else "DIFFERENT"
        print(
            f"reply: liveview {len(live_reply.encode())} B, baseline {len(raw_reply.encode())} B"
            f" ({same} bytes); compression {'deflate' if args.deflate else 'off'}"
        )

        for ws in sockets.values():
            await block(ws, args.warmup)

        results: dict[str, list[int]] = {name: [] for name in sockets}
        block_ratios: list[float] = []
        order = list(sockets)
        for i in range(max(1, args.iterations // args.block)):
            # Rotate which side goes first, so none always follows the same other.
            medians: dict[str, float] = {}
            for name in order[i % len(order) :] + order[: i % len(order)]:
                samples = await block(sockets[name], args.block)
                results[name] += samples
                medians[name] = statistics.median(samples)
            block_ratios.append(medians[FRAMEWORK] / medians[BASELINE])
        summaries = report(results, block_ratios)
        return Measured(summaries, block_ratios, len(live_reply.encode()), same == "identical")


def run_server_bench(args: argparse.Namespace) -> Measured:
    with tempfile.TemporaryDirectory(prefix="liveview-bench-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        port = free_port()
        started = time.monotonic()
        with uvicorn_server(env, port, Path(tmp) / "uvicorn.log"):
            page = fetch_page(port)
            print(
                f"uvicorn on {HOST}:{port} (DEBUG off), python {sys.version.split()[0]}, "
                f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
                f"{args.iterations} events per side after "
                f"{args.warmup} warm-up, blocks of {args.block}, interleaved"
            )
            measured = asyncio.run(measure(port, page, args))
        print(f"done in {time.monotonic() - started:.1f} s")
    return measured


# -- --profile: the framework side in-process -----------------------------------------------


def run_profile(args: argparse.Namespace) -> None:
    """liveview's side under cProfile, through channels' WebsocketCommunicator, in-process.

    Page.dispatch runs in asgiref's single-thread executor, which cProfile (per-thread) would
    not see; a second profiler is switched on inside that thread and the two are merged.
    """
    with tempfile.TemporaryDirectory(prefix="liveview-bench-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        from django.test import Client

        from bench.asgi import application  # django.setup() happens here

        response = Client().get(PAGE)
        if response.status_code != 200:
            raise RuntimeError(f"GET {PAGE}: {response.status_code}")
        page = LivePage.from_response(
            response.content.decode(),
            [morsel.OutputString() for morsel in response.cookies.values()],
        )
        try:
            import uvloop  # what uvicorn runs on when it is installed (--loop auto)
        except ImportError:
            print("event loop: asyncio")
            asyncio.run(profile(application, page, args))
        else:
            print("event loop: uvloop")
            uvloop.run(profile(application, page, args))


async def profile(application: Any, page: LivePage, args: argparse.Namespace) -> None:
    from asgiref.sync import SyncToAsync
    from channels.testing import WebsocketCommunicator

    from bench.raw import RAW_PATH

    cookie = f"csrftoken={page.csrf_cookie}".encode()
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]
    live = WebsocketCommunicator(application, page.socket_path, headers=headers)
    raw = WebsocketCommunicator(application, RAW_PATH, headers=headers)
    connected, code = await live.connect()
    if not connected:
        raise RuntimeError(f"liveview refused the socket: {code}")
    live_frame = stamped(await live.receive_from())
    connected, code = await raw.connect()
    if not connected:
        raise RuntimeError(f"the raw consumer refused the socket: {code}")

    async def events(comm: WebsocketCommunicator, n: int) -> list[int]:
        samples = []
        frame = live_frame if comm is live else FRAME
        for _ in range(n):
            start = time.perf_counter_ns()
            await comm.send_to(text_data=frame)
            reply = await comm.receive_from()
            samples.append(time.perf_counter_ns() - start)
            if not reply.startswith(UPDATE_PREFIXES):
                raise RuntimeError(f"unexpected reply: {reply[:300]!r}")
        return samples

    await events(live, args.warmup)
    await events(raw, args.warmup)

    # 1. Without the profiler: in-process round trips (no network, no uvicorn).
    fw = Summary.of(await events(live, args.iterations))
    bl = Summary.of(await events(raw, args.iterations))
    print("in-process round trip (WebsocketCommunicator, no network), profiler off:")
    print("  " + fw.line("framework"))
    print("  " + bl.line("baseline"))
    print(f"  overhead {fw.median_us - bl.median_us:.1f} µs/event\n")

    # 2. The same under cProfile: the event loop's thread and the sync worker's, merged.
    executor = SyncToAsync.single_thread_executor
    main_profiler, worker_profiler = cProfile.Profile(), cProfile.Profile()
    executor.submit(worker_profiler.enable).result()
    main_profiler.enable()
    await events(live, args.iterations)
    main_profiler.disable()
    executor.submit(worker_profiler.disable).result()
    stats = pstats.Stats(main_profiler)
    stats.add(worker_profiler)
    print(f"cProfile, {args.iterations} framework events: liveview's own functions")
    stats.sort_stats("cumulative").print_stats(r"/liveview/(?!templates)", 15)
    stats.strip_dirs()
    print(f"cProfile, {args.iterations} framework events (both threads merged):")
    print(
        "(idle time shows up too: 'get' of _queue.SimpleQueue is the sync worker thread waiting\n"
        " for the next event, 'poll' of select.epoll the asyncio loop waiting; mock.py and\n"
        " testing/application.py are channels.testing's harness, not the framework)"
    )
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)

    # 3. The steps of one event, timed one by one (median of per-call times).
    await breakdown(args.iterations, lambda k: events(live, k))

    await live.disconnect()
    await raw.disconnect()


async def breakdown(n: int, run_events: Callable[[int], Awaitable[list[int]]]) -> None:
    """Each step of liveview's event path timed alone, on the socket's own Page; then
    Page.dispatch timed where it really runs (between real events), caches cold."""
    import copy
    import json

    from asgiref.sync import sync_to_async
    from django.template import Context

    from bench.raw import counter_update
    from liveview.core import dialect

    try:  # liveview's internals: if they move, say so rather than fail the whole run
        from liveview.runtime import page as page_module
        from liveview.runtime.dispatch import _prepare
        from liveview.runtime.page import Handle
        from liveview.runtime.render import component_template, render_inner, wrap
        from liveview.socket.consumer import _open
        from liveview.socket.protocol import parse_event
        from liveview.templatetags.liveview import live
    except ImportError as exc:
        print(f"step-by-step breakdown skipped: {exc}")
        return

    consumer = next(c for c in list(_open) if c.page is not None)
    page = consumer.page
    assert page is not None
    comp = page.components["lv-1"]
    handler = type(comp)._lv_events["increment"]
    values = parse_event(FRAME).values
    tag_context = Context({"lv": Handle(comp)})
    snapshot: Callable[[Any], object] = getattr(page_module, "snapshot", copy.deepcopy)

    def timed(func: Callable[[], object]) -> float:
        for _ in range(min(n, 200)):
            func()
        samples = []
        for _ in range(n):
            start = time.perf_counter_ns()
            func()
            samples.append(time.perf_counter_ns() - start)
        return statistics.median(samples) / 1000

    async def hop_us() -> float:
        hop = sync_to_async(_noop)
        samples = []
        for _ in range(n):
            start = time.perf_counter_ns()
            await hop()
            samples.append(time.perf_counter_ns() - start)
        return statistics.median(samples) / 1000

    steps: list[tuple[str, Callable[[], object]]] = [
        ("parse_event(frame)", lambda: parse_event(FRAME)),
        ("handler.coerce (pydantic)", lambda: handler.coerce(values)),
        ("state snapshot (rollback copy)", lambda: snapshot(comp.live_state())),
        ("_prepare (coerce + snapshot)", lambda: _prepare(page, "lv-1", "increment", values)),
        ("component_template (get_template)", lambda: component_template(type(comp))),
        ("{% live %} tag, one call", lambda: live(tag_context, "increment")),
        ("render_inner (context + template)", lambda: render_inner(comp, Handle(comp))),
        ("wrap (outer div)", lambda: wrap(comp, comp._lv.html or "", oob=True)),
        ("Page.render (inner + wrap)", lambda: page.render(comp, oob=True)),
        ("Page.dispatch (sync, all of it)", lambda: page.dispatch("lv-1", "increment", values)),
        (
            "baseline: json.loads + update",
            lambda: counter_update("lv-1", len(json.loads(FRAME)), dialect.current().major),
        ),
    ]
    print("one event, step by step (median µs per call, profiler off):")
    print(f"  {'sync_to_async hop (empty function)':<36} {await hop_us():8.1f}")
    for name, func in steps:
        try:
            print(f"  {name:<36} {timed(func):8.1f}")
        except Exception as exc:  # a renamed internal: report, carry on
            print(f"  {name:<36}      n/a ({type(exc).__name__}: {exc})")

    # The same Page.dispatch, timed inside the running app: caches are cold there, since the
    # event loop, channels and the websocket code run between two events.
    in_situ: list[int] = []
    dispatch = page.dispatch

    def timed_dispatch(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter_ns()
        try:
            return dispatch(*args, **kwargs)
        finally:
            in_situ.append(time.perf_counter_ns() - start)

    page.dispatch = timed_dispatch  # type: ignore[method-assign]  # this one Page only
    try:
        await run_events(n)
    finally:
        del page.dispatch
    if in_situ:
        us = statistics.median(in_situ) / 1000
        print(f"  {'Page.dispatch in situ (real events)':<36} {us:8.1f}")


def _noop() -> None:
    return None


# -- the runner's section (python -m bench) --------------------------------------------------

TARGET_RATIO = 1.3


def run(quick: bool) -> Section:
    """The default run (2,000 events per side) or a quick one (200), as a Section."""
    args = parse_args(["--iterations", "200", "--warmup", "50", "--block", "50"] if quick else [])
    measured = run_server_bench(args)
    fw, bl = measured.summaries[FRAMEWORK], measured.summaries[BASELINE]
    thread = measured.summaries[THREAD]
    ratio = fw.median_us / bl.median_us
    rows = [
        (name, f"{s.median_us:.0f}", f"{s.p90_us:.0f}", f"{s.p99_us:.0f}", f"{s.n:,}")
        for name, s in (
            ("liveview: the demo counter, `@event(on_loop=True)`", fw),
            ("liveview: the same counter, events in Django's sync thread", thread),
            ("baseline: raw Channels consumer", bl),
        )
    ]
    blocks = measured.block_ratios
    return Section(
        name="event_roundtrip",
        title="Event round trip",
        command=".venv/bin/python bench/event_roundtrip.py",
        columns=("side", "median (µs)", "p90 (µs)", "p99 (µs)", "events"),
        rows=rows,
        verdict=(
            f"liveview/baseline {ratio:.2f} at the median, {fw.p90_us / bl.p90_us:.2f} at p90"
            f" (target ≤ {TARGET_RATIO}); overhead {fw.median_us - bl.median_us:.0f} µs/event"
        ),
        met=ratio <= TARGET_RATIO,
        notes=(
            f"Replies: {measured.reply_bytes} B each,"
            f" {'byte-identical' if measured.identical else 'NOT identical'} on both sides.",
            f"Per-block median ratio: min {min(blocks):.2f}, median"
            f" {statistics.median(blocks):.2f}, max {max(blocks):.2f}.",
            "The demo counter's handlers say `@event(on_loop=True)`: they and the render run on"
            " the event loop (docs/events.md). A plain `@event` runs in Django's sync thread:"
            f" {thread.median_us / bl.median_us:.2f}× the baseline at the median, one thread hop"
            " each way.",
        ),
    )


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=2000, help="events per side")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up events per side")
    parser.add_argument("--block", type=int, default=200, help="events per interleaved block")
    parser.add_argument("--deflate", action="store_true", help="negotiate permessage-deflate")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also measure the diagnostic sockets of bench/variants.py",
    )
    parser.add_argument(
        "--profile", action="store_true", help="the framework side in-process under cProfile"
    )
    args = parser.parse_args(argv)
    if min(args.iterations, args.block) < 1 or args.warmup < 0:
        parser.error("--iterations and --block must be positive, --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    if args.profile:
        run_profile(args)
    else:
        run_server_bench(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
