"""Cross-process fan-out through Redis: one publish until the last of N sockets, spread over two
server processes, has the fragment.

Starts a redis-server and two uvicorn processes (``bench.asgi:application``, DEBUG off, one
throw-away SQLite file, ``REDIS_URL`` set: channels-redis' ``RedisPubSubChannelLayer``) on free
loopback ports, opens N/2 board sockets (``bench/board.py``) on each, and times two kinds of
fan-out on those same sockets, each started by one frame to a control socket on process A:

* ``liveview``: ``apublish(changed(...))`` -> Redis -> each process's hub -> the board rendered
  once per process -> every socket;
* ``raw_layer``: one ``channel_layer.group_send`` of the pre-rendered fragment to a group every
  board socket joined with its own layer channel -> Redis -> each consumer forwards it: the
  same publish through the raw channels-redis layer.

``--layer core`` runs the same on ``RedisChannelLayer`` instead (``bench/settings.py``).

Time: from just before the client sends the trigger until the last socket has received its
fragment. Every frame is checked byte for byte and every socket must get exactly one per round.

    .venv/bin/python bench/redis_fanout.py
    .venv/bin/python bench/redis_fanout.py --sizes 100,1000 --rounds 10

This is a measurement, not a test: it asserts nothing about speed. ``make bench`` runs it as
the ``redis_fanout`` scenario (``run``: N = 100 and 1,000 on the pub/sub layer, target:
liveview within 1.5x of the raw layer).
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
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.fanout import CONNECT_CONCURRENCY, Tally, open_board, read  # noqa: E402
from bench.redis_server import RedisServer  # noqa: E402
from bench.section import Section  # noqa: E402
from bench.server import (  # noqa: E402
    HOST,
    bench_env,
    exit_on_sigterm,
    free_port,
    migrate,
    raise_open_files_limit,
    restore_environment,
    share_settings,
    tail,
    uvicorn_server,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

LIVE, RAW = "liveview", "raw_layer"
KINDS = (LIVE, RAW)
TRIGGER = {LIVE: "live", RAW: "group"}
ROUND_TIMEOUT = 60.0  # seconds


async def control_socket(port: int) -> ClientConnection:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.board import CONTROL_PATH

    return await connect(
        f"ws://{HOST}:{port}{CONTROL_PATH}", origin=Origin(f"http://{HOST}:{port}")
    )


async def ask(control: ClientConnection, command: str) -> str:
    await control.send(command)
    return str(await asyncio.wait_for(control.recv(), 30))


async def measure_size(
    ports: tuple[int, int], n: int, rounds: int, version: list[int]
) -> dict[str, list[float]]:
    from bench.board import board_fragment

    controls = [await control_socket(port) for port in ports]
    for control in controls:
        await ask(control, f"set {version[0]}")
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(port: int) -> ClientConnection:
        async with gate:
            return await open_board(port, board_fragment(version[0]))

    started = time.monotonic()
    # Half the sockets on each process (process A gets the odd one out).
    sockets = list(await asyncio.gather(*(one(ports[i % 2]) for i in range(n))))
    # A socket counts once its consumer joined the layer group, just after its first frame.
    deadline = time.monotonic() + 30
    while sum(held := [int(await ask(c, "count")) for c in controls]) < n:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    if sum(held) != n:
        raise RuntimeError(f"the servers hold {held} board sockets, not {n}")
    print(f"N={n}: sockets {held[0]} + {held[1]} open in {time.monotonic() - started:.1f} s")

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
        # Process B must render the same version when the change reaches it (not timed).
        await ask(controls[1], f"set {version[0]}")
        tally.start(board_fragment(version[0]))
        await asyncio.sleep(0)
        start = time.perf_counter_ns()
        await controls[0].send(f"{TRIGGER[kind]} {version[0]}")
        try:
            await asyncio.wait_for(tally.done.wait(), ROUND_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(f"{kind}: {tally.got} of {n} sockets had the frame") from None
        frames += 1
        if tally.wrong:
            raise RuntimeError(f"{kind}: {len(tally.wrong)} wrong frames: {tally.wrong[0]!r}")
        if min(counts) != frames or max(counts) != frames:
            raise RuntimeError(f"{kind}: frames per socket {min(counts)}..{max(counts)}")
        return (tally.last_ns - start) / 1e6

    samples: dict[str, list[float]] = {k: [] for k in KINDS}
    for kind in KINDS:  # warm-up, not recorded
        await fan_out(kind)
    for r in range(rounds):
        for kind in KINDS[r % 2 :] + KINDS[: r % 2]:
            samples[kind].append(await fan_out(kind))
        print(
            f"  round {r + 1}/{rounds}: "
            + "  ".join(f"{k} {samples[k][-1]:.1f} ms" for k in KINDS),
            flush=True,
        )
    await asyncio.sleep(0.5)  # a late duplicate would arrive now
    if min(counts) != frames or max(counts) != frames:
        raise RuntimeError(f"after the rounds: frames per socket {min(counts)}..{max(counts)}")
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)
    deadline = time.monotonic() + 60
    while any([int(await ask(c, "count")) for c in controls]) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    for control in controls:
        await control.close()
    gc.enable()
    gc.unfreeze()
    return samples


def report(results: list[tuple[int, dict[str, list[float]]]]) -> None:
    print()
    print("| N | liveview (ms) | raw channels-redis layer (ms) | liveview/raw |")
    print("|---|---|---|---|")
    for n, samples in results:
        live, raw = (statistics.median(samples[k]) for k in KINDS)
        print(f"| {n:,} | {live:.2f} | {raw:.2f} | {live / raw:.2f} |")
    print()
    for n, samples in results:
        for kind in KINDS:
            s = samples[kind]
            print(
                f"N={n} {kind:<10} median {statistics.median(s):8.2f} ms"
                f"  min {min(s):8.2f}  max {max(s):8.2f}  n={len(s)}"
            )
    print("target: liveview within 1.5x of the raw layer")


#: The target: liveview's publish within this factor of the raw layer's, at every N.
TARGET_RATIO = 1.5
QUICK_ARGS = ["--sizes", "100,200", "--rounds", "3"]


def run(quick: bool) -> Section:
    """N = 100 and 1,000 with 10 rounds each (a quick N = 100, 200 with 3), as a Section."""
    args = parse_args(QUICK_ARGS if quick else [])
    results = run_server_bench(args)
    rows, ratios = [], []
    for n, samples in results:
        live, raw = (statistics.median(samples[k]) for k in KINDS)
        ratios.append(live / raw)
        rows.append((f"{n:,}", f"{live:.2f}", f"{raw:.2f}", f"{live / raw:.2f}"))
    spread = [
        f"N = {n:,} {kind}: min {min(s):.2f} ms, max {max(s):.2f} ms"
        for n, samples in results
        for kind, s in samples.items()
    ]
    return Section(
        name="redis_fanout",
        title="Cross-process fan-out through Redis",
        command=".venv/bin/python bench/redis_fanout.py"
        + (" " + " ".join(QUICK_ARGS) if quick else ""),
        columns=("N", "liveview (ms)", "raw channels-redis layer (ms)", "liveview/raw"),
        rows=rows,
        verdict=(
            "liveview/raw "
            + ", ".join(f"{r:.2f}" for r in ratios)
            + f" (target ≤ {TARGET_RATIO:g})"
        ),
        met=all(r <= TARGET_RATIO for r in ratios),
        notes=[
            f"Medians of {args.rounds} rounds per kind and N, after one warm-up round per kind;"
            f" {args.layer} layer.",
            *spread,
        ],
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated socket counts")
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds per kind and N")
    parser.add_argument(
        "--layer",
        choices=["pubsub", "core"],
        default="pubsub",
        help="the channels-redis layer: RedisPubSubChannelLayer (liveview's) or RedisChannelLayer",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 2 or args.rounds < 1:
        parser.error("--sizes: integers of at least 2; --rounds: positive")
    return args


def run_server_bench(args: argparse.Namespace) -> list[tuple[int, dict[str, list[float]]]]:
    """Redis and two uvicorn processes up, every size measured, everything stopped."""
    sizes: list[int] = args.sizes
    need = max(sizes) + 1024
    if raise_open_files_limit(need) < need:
        raise RuntimeError(f"RLIMIT_NOFILE is too low for N={max(sizes)}")
    with tempfile.TemporaryDirectory(prefix="liveview-bench-") as tmp, ExitStack() as stack:
        redis = RedisServer(Path(tmp) / "redis.log")
        redis.start()
        stack.callback(redis.stop)
        env = bench_env(Path(tmp) / "bench.sqlite3")
        env["REDIS_URL"] = redis.url
        env["BENCH_REDIS_LAYER"] = args.layer
        migrate(env)
        # Put the environment back afterwards, or `make bench`'s later scenarios would start
        # their servers on this Redis.
        stack.callback(restore_environment, share_settings(env, "REDIS_URL"))
        ports = (free_port(), free_port())
        for i, port in enumerate(ports):
            stack.enter_context(uvicorn_server(env, port, Path(tmp) / f"uvicorn-{i}.log"))
        print(
            f"redis-server on {redis.port}, uvicorn on {ports} (DEBUG off, {args.layer} layer),"
            f" python {sys.version.split()[0]}, {os.cpu_count()} cores,"
            f" load {os.getloadavg()[0]:.2f}; sizes {sizes}, {args.rounds} rounds",
            flush=True,
        )

        async def run_sizes() -> list[tuple[int, dict[str, list[float]]]]:
            version = [0]
            return [(n, await measure_size(ports, n, args.rounds, version)) for n in sizes]

        try:
            return asyncio.run(run_sizes())
        except Exception:
            for i in range(len(ports)):
                print(f"uvicorn-{i}.log, last lines:\n{tail(Path(tmp) / f'uvicorn-{i}.log', 200)}")
            raise


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    started = time.monotonic()
    report(run_server_bench(args))
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
