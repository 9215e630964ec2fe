"""Reliability soak: N live pages for M minutes under a steady stream of resource changes.

Starts uvicorn on a free loopback port (DEBUG off, a throw-away SQLite database, the default
in-memory channel layer) serving ``bench.asgi:application``, then:

1. asks the server's control socket (``bench/soak_app.py``) for what the process holds before
   anything opens (the baseline), and starts the publisher inside the server: ``--rate``
   changes per second, round-robin over ``--topics`` URIs, each storing the topic's next
   sequence number and then ``apublish(changed("PUT", ...))``;
2. opens ``--sockets`` live pages' sockets on liveview's own consumer while the changes flow,
   each showing ``SoakTopic`` for one topic (socket i shows topic i mod K), each with its own
   signed page token, ``csrf`` query parameter, ``csrftoken`` cookie and ``Origin`` as a
   browser sends them, ``--per-ip`` sockets per loopback source address (127.0.1.x), so the
   per-IP connection cap holds;
3. for ``--minutes`` checks every frame of every socket: the topic's number must never go
   lower; a number higher than the last one plus one is a coalesced skip (the page was behind
   and rendered the latest state once for several changes: state, not events), counted, and
   apart when it is the first frame after the connect's render; counts frames and unexpected
   closes. Whether a page missed a change is the server's ledger (``bench/soak_ledger.py``):
   each change must have been handed to every page showing its topic, or the page told to
   reload after it; ``--drop N`` (a deliberate fault) makes the hub drop its N-th change, and that
   check must fail;
4. samples the server's RSS (``/proc/<pid>/status``) every ``--sample`` seconds: the warm-up
   value is the first sample ``--warmup`` seconds after the sockets opened, when the server
   also takes its census of object types (for the growth), with the publisher paused and the
   hub's backlog drained (the census stalls the loop ~0.2 s: not what is measured);
5. stops the publisher, checks that every socket shows its topic's last number and asks the
   ledger what was lost, closes every socket, and asks the server again for what it holds:
   the difference from the baseline is the leftovers.

    .venv/bin/python bench/soak.py                         # 1,000 sockets, 10 minutes, 50/s
    .venv/bin/python bench/soak.py --sockets 100 --minutes 1 --warmup 20

This is a measurement, not a test: it prints PASS/FAIL per target and exits non-zero only when
the script itself fails.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    raise_open_files_limit,
    share_settings,
    tail,
    uvicorn_server,
)
from bench.server import page_socket_path as socket_path_for  # noqa: E402
from bench.soak_report import Report, section, summarize  # noqa: E402

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

CONNECT_CONCURRENCY = 64
SEQ_RE = re.compile(r'data-seq="(\d+)"')


# -- one page's socket ----------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """What one socket has seen."""

    index: int
    topic: str
    ws: ClientConnection | None = None
    first: int = -1  # the number the connect's render showed
    last: int = -1
    frames: int = 0  # change frames, after the connect's
    gaps: int = 0  # coalesced skips: a frame more than one number ahead
    missed: int = 0  # the numbers they skipped
    connect_gaps: int = 0  # a skip between the connect's render and the first change
    connect_missed: int = 0
    out_of_order: int = 0
    other: int = 0  # frames without a number
    closed: int | None = None  # the close code of an unexpected close

    def see(self, seq: int) -> None:
        self.frames += 1
        if seq == self.last + 1:
            self.last = seq
        elif seq > self.last + 1:
            if self.frames == 1:
                self.connect_gaps += 1
                self.connect_missed += seq - self.last - 1
            else:
                self.gaps += 1
                self.missed += seq - self.last - 1
            self.last = seq
        else:
            self.out_of_order += 1


def page_socket_path(topic: str) -> tuple[str, str]:
    """A socket URL for a page showing `topic`'s number, and the csrftoken cookie it is bound to."""
    from bench.soak_app import SOAK_NAME
    from liveview.core import conf

    return socket_path_for(conf.websocket_path(), SOAK_NAME, {"uri": topic})


async def open_page(port: int, page: Page, source: str) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    path, secret = page_socket_path(page.topic)
    page.ws = await connect(
        f"ws://{HOST}:{port}{path}",
        origin=Origin(f"http://{HOST}:{port}"),
        additional_headers={"Cookie": f"csrftoken={secret}"},
        compression=None,
        ping_interval=None,
        open_timeout=60,
        max_size=2**22,
        local_addr=(source, 0),
    )
    first = await asyncio.wait_for(page.ws.recv(), 60)
    found = SEQ_RE.search(str(first))
    if found is None:
        raise RuntimeError(f"unexpected first frame: {str(first)[:300]!r}")
    page.first = page.last = int(found[1])


async def read(page: Page, closing: asyncio.Event) -> None:
    from websockets.exceptions import ConnectionClosed

    assert page.ws is not None
    try:
        async for frame in page.ws:
            found = SEQ_RE.search(str(frame))
            if found is None:
                page.other += 1
            else:
                page.see(int(found[1]))
    except ConnectionClosed:
        pass
    if not closing.is_set():
        page.closed = page.ws.close_code if page.ws.close_code is not None else -1


# -- the server's side ----------------------------------------------------------------------


async def ask(control: ClientConnection, command: str) -> dict[str, Any]:
    await control.send(command)
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(control.recv(), 120))
    return answer


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


# -- the run --------------------------------------------------------------------------------


async def measure(port: int, args: argparse.Namespace) -> Report:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.soak_app import SOAK_CONTROL_PATH, topic_uri

    report = Report(args)
    control = await connect(
        f"ws://{HOST}:{port}{SOAK_CONTROL_PATH}",
        origin=Origin(f"http://{HOST}:{port}"),
        ping_interval=None,  # a loaded server may not answer a keepalive ping within 20 s
    )
    report.before = await ask(control, "state")
    pid = int(report.before["pid"])
    print(f"server pid {pid}, RSS {rss_kib(pid) / 1024:.1f} MiB before the sockets", flush=True)
    await ask(control, f"start {args.rate} {args.topics} {args.drop}")

    pages = report.pages = [Page(i, topic_uri(i % args.topics)) for i in range(args.sockets)]
    closing = asyncio.Event()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    readers: list[asyncio.Task[None]] = []

    async def open_one(page: Page) -> None:
        async with gate:
            await open_page(port, page, f"127.0.1.{1 + page.index // args.per_ip}")
        readers.append(asyncio.create_task(read(page, closing)))

    started = time.monotonic()
    await asyncio.gather(*(open_one(p) for p in pages))
    report.open_s = time.monotonic() - started
    print(f"{args.sockets} sockets open in {report.open_s:.1f} s", flush=True)
    gc.collect()
    gc.freeze()  # the client stands in for N browsers: keep its collector's pauses short

    t0 = time.monotonic()
    end = t0 + args.minutes * 60
    next_sample = t0
    growth_taken = False
    while (now := time.monotonic()) < end:
        if not growth_taken and now - t0 >= args.warmup:
            await ask(control, "types")  # the baseline for the growth after warm-up
            growth_taken = True
        if now >= next_sample:
            kib = rss_kib(pid)
            report.samples.append((now - t0, kib))
            frames = sum(p.frames for p in pages)
            gaps = sum(p.gaps + p.connect_gaps for p in pages)
            closed = sum(p.closed is not None for p in pages)
            pub = await ask(control, "stats")
            print(
                f"  {now - t0:6.0f} s  RSS {kib / 1024:7.1f} MiB  frames {frames:>9,}"
                f"  gaps {gaps}  closed {closed}  late ticks {pub['late']}"
                f"  backlog hub {pub['max_hub_queue']} layer {pub['max_layer_queue']}"
                f"  objects {pub['gc_objects']:,}  pending {pub['pending'][0]:,}"
                f" (max {pub['pending'][1]:,})  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            next_sample += args.sample
        await asyncio.sleep(max(0.0, min(next_sample, end) - time.monotonic()))
    report.samples.append((time.monotonic() - t0, rss_kib(pid)))

    report.publisher = await ask(control, "stop")
    if growth_taken:
        report.growth = await ask(control, "types")
    await asyncio.sleep(args.drain)  # the last changes reach every page
    final: dict[str, int] = report.publisher["seq"]
    report.stale = sum(
        1 for p in pages if p.closed is None and p.last != final.get(p.topic, p.last)
    )
    report.lost = await ask(control, "lost " + json.dumps(final, separators=(",", ":")))

    closing.set()
    await asyncio.gather(*(p.ws.close() for p in pages if p.ws is not None))
    await asyncio.gather(*readers, return_exceptions=True)
    deadline = time.monotonic() + 60
    while (await ask(control, "state"))["open_count"] and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    await asyncio.sleep(args.drain)  # the server finishes its disconnects
    report.after = await ask(control, "state")
    report.rss_closed = rss_kib(pid)
    await control.close()
    gc.unfreeze()
    return report


# -- main -----------------------------------------------------------------------------------


def run_soak(args: argparse.Namespace) -> Report:
    need = args.sockets + 1024
    limit = raise_open_files_limit(need)  # the server subprocess inherits it
    if limit < need:
        raise SystemExit(f"RLIMIT_NOFILE is {limit}; {need} are needed for {args.sockets}")
    with tempfile.TemporaryDirectory(prefix="liveview-soak-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        port = free_port()
        started = time.monotonic()
        log = Path(tmp) / "uvicorn.log"
        with uvicorn_server(env, port, log):
            print(
                f"uvicorn on {HOST}:{port} (DEBUG off, in-memory layer), python"
                f" {sys.version.split()[0]}, {os.cpu_count()} cores,"
                f" load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            try:
                report = asyncio.run(measure(port, args))
            except Exception:
                print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
                raise
            server_log = tail(log, 5)
        summarize(report)
        if server_log.strip():
            print(f"server log, last lines:\n{server_log}")
        print(f"done in {time.monotonic() - started:.1f} s")
    return report


# -- the runner's section (python -m bench) --------------------------------------------------

#: What ``make bench`` runs: the soak shortened; the full run is this script's defaults.
SHORT = ["--minutes", "2", "--warmup", "30"]
QUICK = ["--sockets", "100", "--minutes", "0.5", "--warmup", "10", "--sample", "5"]


def run(quick: bool) -> Section:
    """1,000 pages for 2 minutes (quick: 100 for 30 s), as a Section."""
    argv = QUICK if quick else SHORT
    return section(run_soak(parse_args(argv)), argv)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=50.0, help="changes per second")
    parser.add_argument("--topics", type=int, default=10)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the baseline")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between RSS samples")
    parser.add_argument("--per-ip", type=int, default=100, help="sockets per source address")
    parser.add_argument("--drain", type=float, default=2.0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--drop", type=int, default=0, help="a fault: the hub drops its N-th change (0: none)"
    )
    args = parser.parse_args(argv)
    if min(args.sockets, args.topics, args.per_ip) < 1 or args.rate <= 0 or args.minutes <= 0:
        parser.error("--sockets, --topics, --per-ip, --rate and --minutes must be positive")
    if args.sockets > args.per_ip * 254:
        parser.error("more sockets than --per-ip × 254 source addresses")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    run_soak(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
