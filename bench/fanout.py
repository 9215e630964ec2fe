"""Fan-out: one publish until the last of N connected sockets has the fragment.

Starts uvicorn on a free loopback port (DEBUG off, a throw-away SQLite database, the default
in-memory channel layer) serving ``bench.asgi:application``. For each N it opens N live pages'
sockets on ``bench/board.py``'s board (each with its own signed page token, ``csrftoken``
cookie and ``Origin``, as a browser sends them) and one control socket. Then, on those same N
sockets, it times three kinds of fan-out, each started by one control frame:

* ``liveview``: ``apublish(changed(...))`` after changing what the board shows; the hub renders
  the viewer-independent board once and every page takes the HTML;
* ``floor``: a loop writing the same pre-rendered bytes to every socket;
* ``group_send``: one ``InMemoryChannelLayer.group_send`` to a group of the N consumers.

Time: from just before the client sends the trigger until the last socket has received its
fragment. Every frame is checked byte for byte against the expected fragment for the round,
and every socket must have got exactly one frame per round. Rounds alternate the kinds.

    .venv/bin/python bench/fanout.py                    # or: make bench (after event_roundtrip)
    .venv/bin/python bench/fanout.py --sizes 100,1000 --rounds 5

This is a measurement, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

LIVE, FLOOR, GROUP = "liveview", "floor", "group_send"
KINDS = (LIVE, FLOOR, GROUP)
TRIGGER = {LIVE: "live", FLOOR: "raw", GROUP: "group"}
CONNECT_CONCURRENCY = 64
ROUND_TIMEOUT = 300.0


# -- the sockets ----------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """What the readers of the N sockets have seen in the current round."""

    target: int
    expected: str = ""
    got: int = 0
    wrong: list[str] = field(default_factory=list)
    last_ns: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, expected: str) -> None:
        self.expected, self.got, self.last_ns = expected, 0, 0
        self.done.clear()


async def read(ws: ClientConnection, index: int, counts: list[int], tally: Tally) -> None:
    async for frame in ws:
        counts[index] += 1
        if frame != tally.expected:
            tally.wrong.append(str(frame)[:200])
        tally.got += 1
        if tally.got == tally.target:
            tally.last_ns = time.perf_counter_ns()
            tally.done.set()


def board_socket_path() -> tuple[str, str]:
    """A socket URL for one page showing the board, and the csrftoken cookie it is bound to."""
    from bench.board import BOARD_NAME, BOARD_PATH, BOARD_URI

    return socket_path_for(BOARD_PATH, BOARD_NAME, {"uri": BOARD_URI})


async def open_board(port: int, expected_first: str) -> ClientConnection:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    path, secret = board_socket_path()
    ws = await connect(
        f"ws://{HOST}:{port}{path}",
        origin=Origin(f"http://{HOST}:{port}"),
        additional_headers={"Cookie": f"csrftoken={secret}"},
        compression=None,
        ping_interval=None,
        open_timeout=60,
        max_size=2**22,
    )
    first = await asyncio.wait_for(ws.recv(), 60)
    if isinstance(first, str):  # the connect's frame ends with the connection's epoch
        first = first.split('<div id="lv-epoch"', 1)[0]
    if first != expected_first:
        raise RuntimeError(f"unexpected first frame: {str(first)[:300]!r}")
    return ws


async def open_boards(port: int, n: int, expected_first: str) -> list[ClientConnection]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one() -> ClientConnection:
        async with gate:
            return await open_board(port, expected_first)

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def ask_count(control: ClientConnection) -> int:
    await control.send("count")
    return int(await asyncio.wait_for(control.recv(), 30))


# -- the measurement ------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    n: int
    samples_ms: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    #: The same rounds as the server saw them: trigger arrived -> last socket written.
    server_ms: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    notes: list[str] = field(default_factory=list)

    def median(self, kind: str) -> float:
        s = self.samples_ms[kind]
        return statistics.median(s) if s else float("nan")


async def measure_size(port: int, n: int, args: argparse.Namespace, version: list[int]) -> Result:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.board import CONTROL_PATH, board_fragment

    result = Result(n)
    control = await connect(
        f"ws://{HOST}:{port}{CONTROL_PATH}",
        origin=Origin(f"http://{HOST}:{port}"),
        ping_interval=None,  # a loaded server may not answer a keepalive ping within 20 s
    )
    if (already := await ask_count(control)) != 0:
        raise RuntimeError(f"{already} board sockets still open before N={n}")
    started = time.monotonic()
    sockets = await open_boards(port, n, board_fragment(version[0]))
    if (open_now := await ask_count(control)) != n:
        raise RuntimeError(f"the server holds {open_now} board sockets, not {n}")
    print(f"N={n}: {n} sockets open in {time.monotonic() - started:.1f} s", flush=True)

    # The client stands in for N browsers: its own garbage collector must not stall a round.
    gc.collect()
    gc.freeze()
    gc.disable()
    counts = [0] * n
    tally = Tally(target=n)
    readers = [asyncio.create_task(read(ws, i, counts, tally)) for i, ws in enumerate(sockets)]
    frames = 0

    async def fan_out(kind: str) -> float:
        nonlocal frames
        version[0] += 1
        tally.start(board_fragment(version[0]))
        await asyncio.sleep(0)  # every reader is waiting on its socket
        start = time.perf_counter_ns()
        await control.send(f"{TRIGGER[kind]} {version[0]}")
        await asyncio.wait_for(tally.done.wait(), ROUND_TIMEOUT)
        elapsed_ms = (tally.last_ns - start) / 1e6
        frames += 1
        if tally.wrong:
            raise RuntimeError(f"{kind}: {len(tally.wrong)} wrong frames: {tally.wrong[0]!r}")
        if min(counts) != frames or max(counts) != frames:
            raise RuntimeError(
                f"{kind}: frames per socket {min(counts)}..{max(counts)}, not {frames}"
            )
        return elapsed_ms

    group_rounds = args.rounds if n <= args.group_full_max else min(args.rounds, args.group_rounds)
    if group_rounds < args.rounds:
        result.notes.append(
            f"group_send: {group_rounds} rounds at N={n} (quadratic on the in-memory layer;"
            f" --group-rounds), no warm-up"
        )
    # Warm-up: one round per kind, not recorded (group_send only where it is cheap).
    for kind in KINDS:
        if kind != GROUP or group_rounds == args.rounds:
            await fan_out(kind)
    if args.profile:  # liveview's rounds only, under cProfile in the server
        await control.send("profile on")
        await control.recv()
        for _ in range(args.rounds):
            await fan_out(LIVE)
        await control.send("profile off")
        print(f"cProfile, {args.rounds} liveview rounds at N={n}, server side:")
        print(await control.recv())
    for r in range(args.rounds):
        # Rotate which kind goes first, so none always follows the same other.
        for kind in KINDS[r % 3 :] + KINDS[: r % 3]:
            if kind == GROUP and len(result.samples_ms[GROUP]) >= group_rounds:
                continue
            ms = await fan_out(kind)
            result.samples_ms[kind].append(ms)
            await control.send("server")
            result.server_ms[kind].append(float(await control.recv()))
            if kind == GROUP and ms / 1000 > args.group_budget:
                group_rounds = len(result.samples_ms[GROUP])
                result.notes.append(
                    f"group_send: stopped after {group_rounds} rounds at N={n}:"
                    f" a round took {ms / 1000:.1f} s (> --group-budget {args.group_budget:g} s)"
                )
        done = [
            f"{k} {s[-1]:.1f} ms (server {result.server_ms[k][-1]:.1f})"
            for k, s in result.samples_ms.items()
            if len(s) > r
        ]
        print(f"  round {r + 1}/{args.rounds}: " + "  ".join(done), flush=True)

    await asyncio.sleep(0.5)  # a late duplicate would arrive now
    if min(counts) != frames or max(counts) != frames:
        raise RuntimeError(f"after the rounds: frames per socket {min(counts)}..{max(counts)}")
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)
    deadline = time.monotonic() + 60
    while await ask_count(control) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await control.close()
    gc.enable()
    gc.unfreeze()
    size = len(board_fragment(version[0]).encode())
    print(f"  {frames} frames per socket, each the expected fragment ({size} B)")
    return result


# -- the report -----------------------------------------------------------------------------


def spread(samples: Sequence[float]) -> str:
    if not samples:
        return "skipped"
    return (
        f"median {statistics.median(samples):9.2f} ms  min {min(samples):9.2f}"
        f"  max {max(samples):9.2f}  n={len(samples)}"
    )


def report(results: list[Result]) -> None:
    print()
    for result in results:
        print(f"N={result.n}")
        for kind in KINDS:
            print(f"  {kind:<11} {spread(result.samples_ms[kind])}")
        for kind in KINDS:
            print(f"  {'(server)':<11} {spread(result.server_ms[kind])}  {kind}")
        live, floor, group = (result.median(k) for k in KINDS)
        print(
            f"  ratio liveview/floor {live / floor:.2f} (target ≤ 1.5)"
            f"   group_send/liveview {group / live:.1f} (target ≥ 10 at N=1,000)"
        )
        for note in result.notes:
            print(f"  note: {note}")
    print()
    print(
        "| N | liveview (ms) | floor (ms) | group_send (ms)"
        " | liveview/floor | group_send/liveview |"
    )
    print("|---|---|---|---|---|---|")
    for result in results:
        live, floor, group = (result.median(k) for k in KINDS)
        print(
            f"| {result.n:,} | {live:.2f} | {floor:.2f} | {group:.1f} |"
            f" {live / floor:.2f} | {group / live:.1f} |"
        )


# -- the runner's section (python -m bench) --------------------------------------------------

TARGET_FLOOR_RATIO = 1.5
TARGET_GROUP_RATIO = 10.0
TARGET_GROUP_N = 1000


def run(quick: bool) -> Section:
    """N = 100, 1,000, 5,000 with 10 rounds each, or a quick N = 100, 500 with 3, as a Section."""
    args = parse_args(["--sizes", "100,500", "--rounds", "3"] if quick else [])
    results = run_server_bench(args)
    rows = []
    floor_ok, group_ok = True, True
    for r in results:
        live, floor, group = (r.median(k) for k in KINDS)
        floor_ok = floor_ok and live / floor <= TARGET_FLOOR_RATIO
        if r.n == TARGET_GROUP_N:
            group_ok = group / live >= TARGET_GROUP_RATIO
        rows.append(
            (
                f"{r.n:,}",
                f"{live:.2f}",
                f"{floor:.2f}",
                f"{group:.1f}",
                f"{live / floor:.2f}",
                f"{group / live:.1f}",
            )
        )
    ratios = ", ".join(f"{r.median(LIVE) / r.median(FLOOR):.2f}" for r in results)
    at_target = [r for r in results if r.n == TARGET_GROUP_N]
    group_text = (
        f"group_send/liveview {at_target[0].median(GROUP) / at_target[0].median(LIVE):.1f}"
        f" at N = {TARGET_GROUP_N:,} (target ≥ {TARGET_GROUP_RATIO:g})"
        if at_target
        else f"N = {TARGET_GROUP_N:,} not run"
    )
    notes = [note for r in results for note in r.notes]
    return Section(
        name="fanout",
        title="Fan-out",
        command=".venv/bin/python bench/fanout.py"
        + (" --sizes 100,500 --rounds 3" if quick else ""),
        columns=(
            "N",
            "liveview (ms)",
            "floor (ms)",
            "group_send (ms)",
            "liveview/floor",
            "group_send/liveview",
        ),
        rows=rows,
        verdict=f"liveview/floor {ratios} (target ≤ {TARGET_FLOOR_RATIO}); {group_text}",
        met=floor_ok and group_ok and bool(at_target),
        notes=[f"Medians of {args.rounds} rounds per kind and N.", *notes],
    )


# -- main -----------------------------------------------------------------------------------


async def run_sizes(port: int, args: argparse.Namespace) -> list[Result]:
    version = [0]  # what the board shows; every round publishes the next
    return [await measure_size(port, n, args, version) for n in args.sizes]


def run_server_bench(args: argparse.Namespace) -> list[Result]:
    need = max(args.sizes) + 1024
    limit = raise_open_files_limit(need)  # the server subprocess inherits it
    if limit < need:
        raise SystemExit(f"RLIMIT_NOFILE is {limit}; {need} are needed for N={max(args.sizes)}")
    with tempfile.TemporaryDirectory(prefix="liveview-bench-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        port = free_port()
        started = time.monotonic()
        log = Path(tmp) / "uvicorn.log"
        with uvicorn_server(env, port, log), _server_log_on_error(log):
            print(
                f"uvicorn on {HOST}:{port} (DEBUG off, in-memory layer), python"
                f" {sys.version.split()[0]}, {os.cpu_count()} cores,"
                f" load {os.getloadavg()[0]:.2f}; sizes {args.sizes}, {args.rounds} rounds",
                flush=True,
            )
            results = asyncio.run(run_sizes(port, args))
        report(results)
        print(f"done in {time.monotonic() - started:.1f} s")
    return results


@contextmanager
def _server_log_on_error(log: Path) -> Iterator[None]:
    try:
        yield
    except Exception:
        print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
        raise


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated socket counts")
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds per kind and N")
    parser.add_argument(
        "--group-rounds",
        type=int,
        default=2,
        help="group_send rounds above --group-full-max sockets (it is quadratic)",
    )
    parser.add_argument("--group-full-max", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument(
        "--group-budget",
        type=float,
        default=60.0,
        help="stop group_send at an N after a round longer than this many seconds",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run --rounds liveview rounds per N under cProfile in the server, print stats",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated integers")
    if not args.sizes or min(args.sizes) < 1 or args.rounds < 1 or args.group_rounds < 1:
        parser.error("--sizes, --rounds and --group-rounds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    run_server_bench(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
