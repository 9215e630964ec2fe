"""Connect/disconnect churn: N cycles of open a live page's socket, read its render, close.

Starts uvicorn on a free loopback port (``bench/server.py``: DEBUG off, throw-away SQLite, the
in-memory channel layer), asks its control socket (``bench/soak_app.py``) what the process
holds before any page (the baseline), then runs ``--cycles`` cycles, ``--concurrency`` at a
time: open liveview's socket for a page showing the demo's counter (its own signed page token,
``csrf`` parameter, cookie and ``Origin``), wait for the connect's full render, close. After
``--warmup`` cycles and after every tenth of the rest, once the server has closed every
socket, it runs ``gc.collect()`` and its ``VmRSS`` is read: the growth per cycle over the
second half is the figure (the allocator still grows its arenas in steps early on; a leak
would keep growing). Beside it, what Python itself holds at the same points: the blocks its
allocator handed out and has not had back (``sys.getallocatedblocks()``) and the objects the
collector tracks. An object kept per connection grows those by at least one per cycle; a step
of the RSS alone is the allocator's arenas or glibc's heap, not an object kept. Once the last
socket closed, what the process holds is compared with the baseline (the soak's leftover
checks: open sockets, the hub's members and topics, the layer's groups and channels,
connection counts, asyncio tasks, live consumers, pages and components).

    .venv/bin/python bench/churn.py                    # 20,000 cycles
    .venv/bin/python bench/churn.py --cycles 2000 --warmup 200

This is a measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
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
    page_connection,
    page_socket_path,
    raise_open_files_limit,
    share_settings,
    tail,
    uvicorn_server,
)
from bench.soak import ask  # noqa: E402
from bench.soak_report import LEFTOVER_KEYS, flatten  # noqa: E402

COUNTER: tuple[str, dict[str, Any]] = ("counter", {"label": "First counter"})
#: The target: over the second half of the cycles, the RSS grows by at most this much per
#: cycle (a leak of a connection's worth of objects, ~5 KB, would show as thousands).
TARGET_LATE_BYTES_PER_CYCLE = 32


#: The other target: over the second half, Python's allocated blocks and gc-tracked objects grow
#: by at most this many per cycle (one object kept per connection is at least 1; at f4c1ace a
#: settled server's second half grew by +20 blocks and -3 objects over 9,500 cycles).
TARGET_LATE_BLOCKS_PER_CYCLE = 0.05


@dataclass(slots=True, frozen=True)
class Sample:
    """The server after `done` cycles, every socket closed and `gc.collect()`: its RSS (KiB),
    the blocks Python's allocator holds, the objects the collector tracks."""

    done: int
    kib: int
    blocks: int
    objects: int


@dataclass(slots=True)
class ChurnResult:
    cycles: int
    warmup: int
    seconds: float = 0.0
    warm_kib: int = 0
    end_kib: int = 0
    samples: list[Sample] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def second_half_start(self) -> Sample:
        """The first sample at or past the middle of the measured cycles."""
        middle = (self.warmup + self.cycles) / 2
        return next(s for s in self.samples if s.done >= middle)

    def late_per_cycle(self) -> tuple[float, float, float]:
        """Over the second half: (RSS bytes, allocated blocks, gc-tracked objects) per cycle."""
        start, end = self.second_half_start(), self.samples[-1]
        cycles = max(1, end.done - start.done)
        return (
            (end.kib - start.kib) * 1024 / cycles,
            (end.blocks - start.blocks) / cycles,
            (end.objects - start.objects) / cycles,
        )

    def leftovers(self) -> dict[str, int]:
        return {
            key: flatten(self.after, key) - flatten(self.before, key)
            for key in LEFTOVER_KEYS
            if flatten(self.after, key) != flatten(self.before, key)
        }


async def cycle(port: int) -> None:

    from liveview.core import conf

    path, secret = page_socket_path(conf.websocket_path(), *COUNTER)
    async with page_connection(port, path, secret, open_timeout=60, close_timeout=60) as ws:
        first = await asyncio.wait_for(ws.recv(), 60)
        if not isinstance(first, str) or not first.startswith('<div id="lv-1" '):
            raise RuntimeError(f"unexpected first frame: {str(first)[:200]!r}")


async def cycles(port: int, n: int, concurrency: int) -> None:
    """`n` cycles, `concurrency` at a time (each worker runs its share back to back)."""
    shares = [n // concurrency + (i < n % concurrency) for i in range(concurrency)]

    async def worker(share: int) -> None:
        for _ in range(share):
            await cycle(port)

    await asyncio.gather(*(worker(s) for s in shares if s))


async def measure(port: int, args: argparse.Namespace) -> ChurnResult:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    from bench.soak_app import SOAK_CONTROL_PATH

    result = ChurnResult(args.cycles, args.warmup)
    control = await connect(
        f"ws://{HOST}:{port}{SOAK_CONTROL_PATH}",
        origin=Origin(f"http://{HOST}:{port}"),
        ping_interval=None,
    )
    result.before = await ask(control, "state")
    started = time.monotonic()
    await cycles(port, args.warmup, args.concurrency)
    sampling = time.monotonic()
    result.samples.append(await settled(control, args.warmup))
    paused = time.monotonic() - sampling  # the samples' wait: not the cycles' time
    result.warm_kib = result.samples[0].kib
    step = max(1, (args.cycles - args.warmup) // 10)
    done = args.warmup
    while done < args.cycles:
        n = min(step, args.cycles - done)
        await cycles(port, n, args.concurrency)
        done += n
        sampling = time.monotonic()
        sample = await settled(control, done)
        paused += time.monotonic() - sampling
        result.samples.append(sample)
        print(
            f"  {done:>7,} cycles  RSS {sample.kib / 1024:7.1f} MiB  blocks {sample.blocks:,}"
            f"  objects {sample.objects:,}",
            flush=True,
        )
    result.seconds = time.monotonic() - started - paused
    deadline = time.monotonic() + 60
    while (await ask(control, "state"))["open_count"] and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    result.after = await ask(control, "state")
    result.end_kib = (await ask(control, "collect"))["rss_kib"]
    await control.close()
    return result


async def settled(control: Any, done: int) -> Sample:
    """The server's sample once it has closed every socket of the cycles and let go of what
    they held: no page open, and the same count of objects twice in a row 0.1 s apart (the
    server's own side of a socket goes a moment after the page's). At most 60 s."""
    deadline = time.monotonic() + 60
    previous: dict[str, Any] = {}
    while True:
        answer = await ask(control, "collect")
        steady = answer["gc_objects"] == previous.get("gc_objects")
        if (not answer["open_count"] and steady) or time.monotonic() > deadline:
            return Sample(done, answer["rss_kib"], answer["blocks"], answer["gc_objects"])
        previous = answer
        await asyncio.sleep(0.1)


def measure_all(args: argparse.Namespace) -> ChurnResult:
    raise_open_files_limit(4 * args.concurrency + 1024)
    with tempfile.TemporaryDirectory(prefix="liveview-churn-") as tmp:
        env = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(env)
        share_settings(env)
        port = free_port()
        log = Path(tmp) / "uvicorn.log"
        with uvicorn_server(env, port, log):
            try:
                result = asyncio.run(measure(port, args))
            except Exception:
                print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
                raise
    print(
        f"{result.cycles:,} cycles in {result.seconds:.1f} s: RSS {result.warm_kib / 1024:.1f} MiB"
        f" after {result.warmup:,}, {result.end_kib / 1024:.1f} MiB at the end;"
        f" leftovers {result.leftovers() or 'none'}",
        flush=True,
    )
    return result


# -- the runner's section (python -m bench) --------------------------------------------------


def run(quick: bool) -> Section:
    """20,000 cycles after 1,000 warm-up (quick: 2,000 after 200), as a Section."""
    args = parse_args(["--cycles", "2000", "--warmup", "200"] if quick else [])
    return section(measure_all(args), args.concurrency, quick)


def section(r: ChurnResult, concurrency: int, quick: bool) -> Section:
    """The result as the runner's section."""
    warm = r.samples[0]
    growth = r.samples[-1].kib - r.warm_kib  # the last cycle's against the warm-up's
    half_done = r.second_half_start().done
    late_per_cycle, late_blocks, late_objects = r.late_per_cycle()
    left = r.leftovers()
    rows = [
        (
            f"{s.done:,}",
            f"{s.kib / 1024:.1f}",
            f"{(s.kib - r.warm_kib):+,}",
            f"{s.blocks - warm.blocks:+,}",
            f"{s.objects - warm.objects:+,}",
        )
        for s in r.samples
    ]
    rows.append(
        (
            "all closed, after the leftover check",
            f"{r.end_kib / 1024:.1f}",
            f"{r.end_kib - r.warm_kib:+,}",
            "",
            "",
        )
    )
    per_cycle = growth * 1024 / max(1, r.cycles - r.warmup)
    return Section(
        name="churn",
        title="Connect/disconnect churn",
        command=".venv/bin/python bench/churn.py"
        + (" --cycles 2000 --warmup 200" if quick else ""),
        columns=(
            "cycles done",
            "server RSS (MiB)",
            "since the warm-up (KiB)",
            "allocated blocks since",
            "gc objects since",
        ),
        rows=rows,
        verdict=(
            f"RSS {late_per_cycle:+.1f} B per cycle over the second half (cycles {half_done:,}"
            f" to {r.cycles:,}; target ≤ {TARGET_LATE_BYTES_PER_CYCLE} B), Python's allocated"
            f" blocks {late_blocks:+.3f} and gc objects {late_objects:+.3f} per cycle over it"
            f" (target ≤ {TARGET_LATE_BLOCKS_PER_CYCLE}), {growth:+,} KiB"
            f" ({per_cycle:+.0f} B per cycle) since cycle {r.warmup:,};"
            f" leftovers: {', '.join(f'{k} {v:+d}' for k, v in left.items()) or 'none'}"
        ),
        met=late_per_cycle <= TARGET_LATE_BYTES_PER_CYCLE
        and max(late_blocks, late_objects) <= TARGET_LATE_BLOCKS_PER_CYCLE
        and not left,
        notes=(
            f"{r.cycles:,} cycles, {concurrency} at a time, in {r.seconds:.0f} s"
            f" ({r.cycles / max(r.seconds, 1e-9):,.0f} connects a second). RSS after"
            " `gc.collect()` in the server, once it has closed every socket; beside it the"
            " blocks Python's allocator holds (`sys.getallocatedblocks()`) and the objects the"
            " collector tracks, at the same points. The baseline is the server itself: its RSS"
            " after the warm-up, and what it held before the first socket (every figure of"
            " the soak's leftover check back to it: "
            + ", ".join(f"`{k}`" for k in LEFTOVER_KEYS)
            + ").",
        ),
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cycles", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000, help="cycles before the baseline")
    parser.add_argument("--concurrency", type=int, default=32, help="sockets at a time")
    args = parser.parse_args(argv)
    if min(args.cycles, args.warmup, args.concurrency) < 1 or args.warmup >= args.cycles:
        parser.error("--cycles, --warmup and --concurrency must be positive, --warmup < --cycles")
    return args


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    measure_all(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
