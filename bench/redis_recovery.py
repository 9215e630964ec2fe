"""Recovery after a Redis restart: from the moment Redis answers again until the pages of two
processes have been told to reload what they show.

Starts a redis-server and, in this process, two liveview hubs (``liveview.hub.Hub``), each on
its own ``RedisPubSubChannelLayer`` (its own connections, as two server processes have) with a
page subscribed, their heartbeat watch running with the real intervals. Each round stops Redis,
waits until both hubs have noticed, opens a page whose topic cannot be joined yet, starts Redis
again at a random moment between two heartbeats (from a thread, as another process would: the
hubs' loop keeps running), and times, from the moment redis-server accepts connections again:

* ``liveview``: until the later of the two hubs has handed its page the reload (what a page on
  each of two servers waits for before it catches up);
* ``raw_layer``: until a message sent every 10 ms through a third, bare layer instance to a
  channel of its own arrives again: how long channels-redis itself takes to resubscribe, the
  floor under any recovery built on it (its receive loop sleeps a second after each error).

    .venv/bin/python bench/redis_recovery.py
    .venv/bin/python bench/redis_recovery.py --rounds 3

This is a measurement, not a test: it asserts nothing about speed. ``make bench`` runs it as
the ``redis_recovery`` scenario (target: liveview within 0.5 s of the raw layer's resubscribe,
and about a second in all, as docs/deployment.md says).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.redis_server import RedisServer  # noqa: E402
from bench.section import Section  # noqa: E402
from bench.server import (  # noqa: E402
    bench_env,
    exit_on_sigterm,
    restore_environment,
    share_settings,
)

LIVE, RAW = "liveview", "raw_layer"
KINDS = (LIVE, RAW)
ROUND_TIMEOUT = 30.0  # seconds
RAW_PROBE_INTERVAL = 0.01  # seconds
#: The target: liveview's recovery at most this many seconds after the raw layer's resubscribe,
TARGET_OVER_RAW = 0.5
#: and at most this many seconds in all ("about a second", docs/deployment.md).
TARGET_TOTAL = 1.5
QUICK_ARGS = ["--rounds", "2"]


class Page:
    def __init__(self, origin: str) -> None:
        self.origin = origin


Samples = dict[str, list[float]]


async def measure(redis: RedisServer, rounds: int) -> Samples:
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from liveview.pubsub.hub import HEARTBEAT_INTERVAL, Hub
    from liveview.pubsub.resources import ResourceChanged

    def layer() -> RedisPubSubChannelLayer:
        return RedisPubSubChannelLayer(hosts=[{"address": redis.url, "socket_connect_timeout": 1}])

    reloaded: list[asyncio.Event] = [asyncio.Event(), asyncio.Event()]

    def on_reload(i: int) -> Any:
        async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
            if any(c.etag is None for changes in targets.values() for c in changes):
                reloaded[i].set()

        return deliver

    layers = [layer(), layer(), layer()]
    hubs = [Hub(layers[i], on_reload(i)) for i in range(2)]
    pages = [Page(f"page-{i}") for i in range(2)]
    for i, (hub, page) in enumerate(zip(hubs, pages, strict=True)):
        await hub.set_topics(page, frozenset({f"/bench/{i}"}))
    raw = layers[2]
    raw_channel = await raw.new_channel()
    raw_back = asyncio.Event()

    async def raw_reader() -> None:
        while True:
            await raw.receive(raw_channel)
            raw_back.set()

    async def raw_sender() -> None:
        while True:
            with contextlib.suppress(Exception):  # Redis is down: the next probe may pass
                await raw.send(raw_channel, {"type": "bench.probe"})
            await asyncio.sleep(RAW_PROBE_INTERVAL)

    tasks = [asyncio.create_task(raw_reader()), asyncio.create_task(raw_sender())]
    samples: Samples = {k: [] for k in KINDS}
    lates: list[Page] = []
    phases = random.Random(13)
    try:
        for r in range(rounds):
            async with asyncio.timeout(ROUND_TIMEOUT):
                while not all(hub.healthy for hub in hubs):  # the last round's recovery
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # a heartbeat or two on a healthy layer
            # In a thread: redis-server's start waits for it, and the hubs' loop must not.
            await asyncio.to_thread(redis.stop)
            async with asyncio.timeout(ROUND_TIMEOUT):
                while any(hub.healthy for hub in hubs):
                    await asyncio.sleep(0.05)
            # A page opened while Redis is down (it mounts from the database; its topic
            # cannot be joined until Redis is back).
            late = Page(f"late-{r}")
            await hubs[1].set_topics(late, frozenset({f"/bench/late-{r}"}))
            lates.append(late)
            # Redis comes back at any moment between two heartbeats, as it does in life.
            await asyncio.sleep(phases.uniform(0, HEARTBEAT_INTERVAL))
            for event in (*reloaded, raw_back):
                event.clear()
            await asyncio.to_thread(redis.start)
            start = time.monotonic()
            async with asyncio.timeout(ROUND_TIMEOUT):
                await raw_back.wait()
                samples[RAW].append(time.monotonic() - start)
                await asyncio.gather(*(event.wait() for event in reloaded))
                samples[LIVE].append(time.monotonic() - start)
            print(
                f"  round {r + 1}/{rounds}: "
                + "  ".join(f"{k} {samples[k][-1]:.2f} s" for k in KINDS),
                flush=True,
            )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for hub, page in zip(hubs, pages, strict=True):
            await hub.leave(page)
        for late in lates:
            await hubs[1].leave(late)
        for each in layers:
            await each.flush()
    return samples


def run_bench(rounds: int) -> Samples:
    """Redis up, the rounds measured, everything stopped."""
    with tempfile.TemporaryDirectory(prefix="liveview-bench-") as tmp, ExitStack() as stack:
        redis = RedisServer(Path(tmp) / "redis.log")
        redis.start()
        stack.callback(redis.stop)
        env = bench_env(Path(tmp) / "bench.sqlite3")
        stack.callback(restore_environment, share_settings(env))
        # The hubs log every lost heartbeat and recovery; channels-redis every reconnect.
        quiet = [logging.getLogger(name) for name in ("liveview", "channels_redis")]
        for logger in quiet:
            stack.callback(logger.setLevel, logger.level)
            logger.setLevel(logging.CRITICAL)
        print(
            f"redis-server on {redis.port}, two hubs, python {sys.version.split()[0]},"
            f" {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; {rounds} rounds",
            flush=True,
        )
        return asyncio.run(measure(redis, rounds))


def medians(samples: dict[str, list[float]]) -> tuple[float, float, bool]:
    """liveview's and the raw layer's medians, and whether liveview met the target."""
    live, raw = (statistics.median(samples[k]) for k in KINDS)
    return live, raw, live - raw <= TARGET_OVER_RAW and live <= TARGET_TOTAL


def run(quick: bool) -> Section:
    """10 restarts (a quick 2), as a Section."""
    args = parse_args(QUICK_ARGS if quick else [])
    samples = run_bench(args.rounds)
    live, raw, met = medians(samples)
    return Section(
        name="redis_recovery",
        title="Recovery after a Redis outage",
        command=".venv/bin/python bench/redis_recovery.py"
        + (" " + " ".join(QUICK_ARGS) if quick else ""),
        columns=(
            "pages of two processes told to reload (s)",
            "raw channels-redis layer delivers again (s)",
            "liveview − raw (s)",
        ),
        rows=[(f"{live:.2f}", f"{raw:.2f}", f"{live - raw:.2f}")],
        verdict=(
            f"liveview {live:.2f} s after Redis was back, {live - raw:.2f} s after the raw layer"
            f" (target ≤ {TARGET_OVER_RAW:g} s after it, ≤ {TARGET_TOTAL:g} s in all)"
        ),
        met=met,
        notes=[
            f"Medians of {args.rounds} outages.",
            *(f"{kind}: min {min(s):.2f} s, max {max(s):.2f} s" for kind, s in samples.items()),
        ],
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=10, help="Redis restarts measured")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds: positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    samples = run_bench(args.rounds)
    live, raw, met = medians(samples)
    for kind, each in samples.items():
        print(f"{kind}: min {min(each):.2f} s, max {max(each):.2f} s")
    print(
        f"liveview median {live:.2f} s, raw layer median {raw:.2f} s,"
        f" difference {live - raw:.2f} s: target {'met' if met else 'missed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
