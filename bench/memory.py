"""Idle memory per connection: N open live pages against N open plain Channels sockets.

For each side, a fresh uvicorn process (``bench/server.py``: DEBUG off, throw-away SQLite, the
in-memory channel layer) serving ``bench.asgi:application``, then:

1. opens ``--warmup`` sockets (imports, caches and the allocator's first arenas are paid
   there), asks the server's control socket (``bench/soak_app.py``) to ``gc.collect()`` and
   reads the server's ``VmRSS`` from ``/proc/<pid>/status``;
2. opens ``--connections`` more, 64 at a time, each done once its first render arrived:
   - **liveview**: liveview's socket for a page showing the demo's ``counter`` (its own signed
     page token, ``csrf`` parameter, ``csrftoken`` cookie and ``Origin``); the first frame is
     the connect's full render;
   - **baseline**: ``bench/raw.py``'s plain ``AsyncWebsocketConsumer``, with one ``increment``
     answered (so it too has rendered its counter once);
3. collects again and reads ``VmRSS``: (after − before) / N is the figure.

``--clicked`` measures a page the way a user leaves it (issue 15's "mounted and clicked"): the
demo's ``/counter/`` page fetched over HTTP (its token and cookie), its socket, two counters,
each clicked once; the baseline fetches the same page (so the HTTP render's leftovers, the
allocator's mostly, count on both sides) and opens the hand-written consumer, its two counters
each clicked once. ``--server daphne`` serves it with daphne
(the server of the peers' figures) instead of uvicorn.

Each side runs in its own server process, so neither reuses memory the other freed.

    .venv/bin/python bench/memory.py                       # 1,000 connections per side
    .venv/bin/python bench/memory.py --side liveview --trace 20   # where it goes (tracemalloc)
    .venv/bin/python bench/memory.py --clicked --server daphne     # two counters, each clicked

With ``--trace F`` the server starts tracemalloc (F frames deep) after the warm-up and the
script prints the allocations that grew most over the N connections, grouped by traceback,
and their total per package (the RSS figure is then inflated by tracemalloc's own
bookkeeping; measure without it).

This is a measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.section import Section  # noqa: E402
from bench.server import (  # noqa: E402
    HOST,
    bench_env,
    daphne_server,
    exit_on_sigterm,
    free_port,
    migrate,
    page_socket_path,
    raise_open_files_limit,
    share_settings,
    tail,
    uvicorn_server,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

LIVE, RAW = "liveview", "baseline"
CONNECT_CONCURRENCY = 64
#: The target: 30 KB (decimal) per connection.
TARGET_BYTES = 30_000
COUNTER = ("counter", {"label": "First counter"})
#: The demo's ``/counter/`` page: its second counter (``lv-2``).
SECOND = ("counter", {"label": "Second counter", "start": 10})
EPOCH = re.compile(r'id="lv-epoch" hidden data-v="([^"]*)"')


@dataclass(slots=True)
class SideResult:
    side: str
    n: int
    before_kib: int = 0
    after_kib: int = 0
    trace: list[str] = field(default_factory=list)

    @property
    def per_connection_bytes(self) -> float:
        return (self.after_kib - self.before_kib) * 1024 / self.n


async def ask(control: ClientConnection, command: str) -> dict[str, Any]:
    await control.send(command)
    answer: dict[str, Any] = json.loads(await asyncio.wait_for(control.recv(), 900))
    return answer


async def open_live(port: int, clicked: bool) -> ClientConnection:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from liveview.core import conf

    if clicked:  # as a browser: the page's HTTP render gives the token and the cookie
        from bench.event_roundtrip import fetch_page

        page = await asyncio.to_thread(fetch_page, port)
        path, secret = page.socket_path, page.csrf_cookie
    else:
        path, secret = page_socket_path(conf.websocket_path(), *COUNTER)
    ws = await connect(
        f"ws://{HOST}:{port}{path}",
        origin=Origin(f"http://{HOST}:{port}"),
        additional_headers={"Cookie": f"csrftoken={secret}"},
        compression=None,
        ping_interval=None,
        open_timeout=60,
    )
    first = await asyncio.wait_for(ws.recv(), 60)
    if not isinstance(first, str) or not first.startswith('<div id="lv-1" '):
        raise RuntimeError(f"unexpected first frame: {str(first)[:200]!r}")
    if clicked:
        epoch = EPOCH.search(first)
        if epoch is None:
            raise RuntimeError("the first frame carries no epoch")
        for cid in ("lv-1", "lv-2"):
            await click(ws, cid, f', "lv_v": "{epoch.group(1)}"')
    return ws


async def click(ws: ClientConnection, cid: str, stamp: str = "") -> None:
    """One ``increment`` on component `cid`, done once its reply (the partial swap of that
    component's number) arrived."""
    await ws.send(f'{{"lv": "{cid}", "event": "increment", "headers": {{}}{stamp}}}')
    reply = await asyncio.wait_for(ws.recv(), 60)
    if not isinstance(reply, str) or f"#{cid}>" not in reply:  # its number's partial swap
        raise RuntimeError(f"unexpected reply to {cid}'s click: {str(reply)[:200]!r}")


async def open_raw(port: int, clicked: bool) -> ClientConnection:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.raw import RAW_PATH

    ws = await connect(
        f"ws://{HOST}:{port}{RAW_PATH}",
        origin=Origin(f"http://{HOST}:{port}"),
        compression=None,
        ping_interval=None,
        open_timeout=60,
    )
    for cid in ("lv-1", "lv-2") if clicked else ("lv-1",):
        await click(ws, cid)
    if clicked:  # the same page fetched over HTTP as liveview's side (what HTTP leaves counts)
        from bench.event_roundtrip import fetch_page

        await asyncio.to_thread(fetch_page, port)
    return ws


async def open_many(port: int, side: str, n: int, clicked: bool) -> list[ClientConnection]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    opener = open_live if side == LIVE else open_raw

    async def one() -> ClientConnection:
        async with gate:
            return await opener(port, clicked)

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def measure(port: int, side: str, args: argparse.Namespace) -> SideResult:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.soak_app import SOAK_CONTROL_PATH

    result = SideResult(side, args.connections)
    control = await connect(
        f"ws://{HOST}:{port}{SOAK_CONTROL_PATH}",
        origin=Origin(f"http://{HOST}:{port}"),
        ping_interval=None,  # the server may be busy for long under tracemalloc
    )
    sockets = await open_many(port, side, args.warmup, args.clicked)
    result.before_kib = (await ask(control, "collect"))["rss_kib"]
    if args.trace:
        await ask(control, f"trace {args.trace} {args.trace_lines}")
    sockets += await open_many(port, side, args.connections, args.clicked)
    result.after_kib = (await ask(control, "collect"))["rss_kib"]
    if args.trace:
        result.trace = (await ask(control, f"trace {args.trace} {args.trace_lines}"))["top"]
    else:  # every page is open and live (too slow to ask under tracemalloc)
        state = await ask(control, "state")
        if side == LIVE and state["open_count"] != args.warmup + args.connections:
            raise RuntimeError(f"the server holds {state['open_count']} live sockets")
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await control.close()
    return result


def measure_side(side: str, args: argparse.Namespace, tmp: Path) -> SideResult:
    env = bench_env(tmp / f"{side}.sqlite3")
    migrate(env)
    port = free_port()
    log = tmp / f"{args.server}-{side}.log"
    server = (
        daphne_server(env, port, log)
        if args.server == "daphne"
        else uvicorn_server(env, port, log, ["--ws", args.ws])
    )
    with server:
        try:
            result = asyncio.run(measure(port, side, args))
        except Exception:
            print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
            raise
    print(
        f"{side:<9} {args.connections:,} connections: RSS {result.before_kib / 1024:.1f} ->"
        f" {result.after_kib / 1024:.1f} MiB, {result.per_connection_bytes / 1024:.1f} KiB each"
        f" (load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    for line in result.trace:
        print(f"  {line}")
    return result


def measure_all(args: argparse.Namespace) -> list[SideResult]:
    need = 2 * (args.connections + args.warmup) + 1024
    limit = raise_open_files_limit(need)  # the server subprocess inherits it
    if limit < need:
        raise SystemExit(f"RLIMIT_NOFILE is {limit}; {need} are needed")
    with tempfile.TemporaryDirectory(prefix="liveview-memory-") as tmp:
        env = bench_env(Path(tmp) / "client.sqlite3")
        share_settings(env)
        sides = [LIVE, RAW] if args.side == "both" else [args.side]
        return [measure_side(side, args, Path(tmp)) for side in sides]


# -- the runner's section (python -m bench) --------------------------------------------------


#: uvicorn's websocket implementations measured: its default, and the leaner one.
WS_IMPLEMENTATIONS = ("auto", "wsproto")


def run(quick: bool) -> Section:
    """1,000 connections per side (quick: 200, after 20 warm-up) under uvicorn's default
    websocket implementation and under wsproto, then the two-counter page with each counter
    clicked once under daphne, as a Section."""
    rows = []
    per: dict[tuple[str, str], float] = {}
    for ws in WS_IMPLEMENTATIONS:
        argv = ["--ws", ws] + (["--connections", "200", "--warmup", "20"] if quick else [])
        args = parse_args(argv)
        for r in measure_all(args):
            per[(ws, r.side)] = r.per_connection_bytes
            name = (
                "liveview (counter page)" if r.side == LIVE else "baseline: raw Channels consumer"
            )
            rows.append(
                (
                    f"uvicorn `--ws {ws}`",
                    name,
                    f"{r.n:,}",
                    f"{r.before_kib / 1024:.1f}",
                    f"{r.after_kib / 1024:.1f}",
                    f"{r.per_connection_bytes / 1024:.1f}",
                )
            )
    # The page as a user leaves it: two counters, each clicked once, under daphne.
    argv = ["--clicked", "--server", "daphne"] + (
        ["--connections", "200", "--warmup", "20"] if quick else []
    )
    for r in measure_all(parse_args(argv)):
        per[("daphne", r.side)] = r.per_connection_bytes
        name = (
            "liveview: `/counter/`, both clicked"
            if r.side == LIVE
            else "baseline: raw consumer, both clicked"
        )
        rows.append(
            (
                "daphne",
                name,
                f"{r.n:,}",
                f"{r.before_kib / 1024:.1f}",
                f"{r.after_kib / 1024:.1f}",
                f"{r.per_connection_bytes / 1024:.1f}",
            )
        )
    clicked_live, clicked_raw = per[("daphne", LIVE)], per[("daphne", RAW)]
    verdicts = []
    for ws in WS_IMPLEMENTATIONS:
        live, raw = per[(ws, LIVE)], per[(ws, RAW)]
        verdicts.append(
            f"`--ws {ws}`: {live / 1000:.1f} KB per liveview connection"
            f" (baseline {raw / 1000:.1f} KB, ratio {live / max(raw, 1):.2f})"
        )
    clicked_met = clicked_live <= clicked_raw
    verdicts.append(
        f"mounted and clicked (daphne): {clicked_live / 1024:.1f} KiB per liveview page against"
        f" {clicked_raw / 1024:.1f} KiB hand-written (target: at most the hand-written page's:"
        f" {'met' if clicked_met else 'missed'})"
    )
    met_with = [ws for ws in WS_IMPLEMENTATIONS if per[(ws, LIVE)] <= TARGET_BYTES]
    return Section(
        name="memory",
        title="Idle memory per connection",
        command=".venv/bin/python bench/memory.py --ws wsproto"
        + (" --connections 200 --warmup 20" if quick else ""),
        columns=(
            "server",
            "side",
            "connections",
            "RSS before (MiB)",
            "RSS after (MiB)",
            "per connection (KiB)",
        ),
        rows=rows,
        verdict="; ".join(verdicts)
        + f" (target ≤ {TARGET_BYTES / 1000:g} KB: "
        + (f"met with {', '.join(f'`--ws {w}`' for w in met_with)})" if met_with else "missed)"),
        met=bool(met_with) and clicked_met,
        notes=(
            "RSS (`VmRSS`) of the server process after `gc.collect()`, before and after the"
            " measured connections opened on top of the warm-up ones; each side and each"
            " `--ws` in its own fresh server process. 1 KB = 1,000 bytes, 1 KiB = 1,024.",
            "The daphne rows: the demo's `/counter/` page (two counters) with each counter"
            " clicked once (`bench/memory.py --clicked --server daphne`), against the"
            " hand-written consumer's two counters, each clicked once.",
        ),
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--connections", type=int, default=1000, help="measured, per side")
    parser.add_argument("--warmup", type=int, default=100, help="opened before the baseline RSS")
    parser.add_argument("--side", choices=(LIVE, RAW, "both"), default="both")
    parser.add_argument("--ws", default="auto", help="uvicorn's websocket implementation")
    parser.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn")
    parser.add_argument(
        "--clicked", action="store_true", help="the two-counter page, each counter clicked once"
    )
    parser.add_argument(
        "--trace", type=int, default=0, metavar="FRAMES", help="tracemalloc in the server"
    )
    parser.add_argument("--trace-lines", type=int, default=15, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.connections < 1 or args.warmup < 1 or args.trace < 0:
        parser.error("--connections and --warmup must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    measure_all(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
