"""What partial updates cost the server per event, by component size: `Page.dispatch` of a list
of K items with partial updates on and off, when one text changes (the diff's fast path,
liveview/runtime/text_slot.py) and when two texts change (the full diff reads both versions).

In-process, no socket: the server's work alone, each figure the median of 600 events, on and
off alternating three times. What the bytes saved are worth depends on the link, so the table
also gives the link speed below which the full diff pays for itself in latency (the bytes it
saves, over the time it costs): docs/benchmarks.md, "Partial updates: what the diff costs".

    .venv/bin/python -m bench.diff_cost
    .venv/bin/python -m bench.diff_cost --sizes 1,16,256 --events 300

This is a measurement, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

#: (event, what changes) for each row kind.
CHANGES = (("one", "one text (fast path)"), ("two", "two texts (full diff)"))


def measure(k: int, event_name: str, on: bool, events: int) -> tuple[float, int]:
    """Median µs of one event on a fresh page, and the bytes of its last frame."""
    from bench.diff_items import NAME, DiffItems
    from liveview.runtime.page import Page

    DiffItems.partial_updates = on
    page = Page(connected=True)
    page.mount(NAME, "lv-1", {"k": k})
    page.render_all()
    frame = ""
    for _ in range(50):  # warm-up (and the first full diff that finds the fast path's slot)
        frame = page.dispatch("lv-1", event_name, {}) or ""
    samples = []
    for _ in range(events):
        start = time.perf_counter_ns()
        frame = page.dispatch("lv-1", event_name, {}) or ""
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000, len(frame.encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1,2,4,8,16,64,256", help="items per component")
    parser.add_argument("--events", type=int, default=600, help="measured events per figure")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print("| items | whole (B) | change | on: µs, B | off: µs | on − off (µs) | pays below |")
    print("|---|---|---|---|---|---|---|")
    for k in (int(n) for n in args.sizes.split(",")):
        for event_name, label in CHANGES if k > 1 else CHANGES[:1]:  # one item: one text
            runs: dict[bool, list[tuple[float, int]]] = {True: [], False: []}
            for rep in range(3):
                for on in (True, False) if rep % 2 == 0 else (False, True):
                    runs[on].append(measure(k, event_name, on, args.events))
            on_us = statistics.median(us for us, _ in runs[True])
            off_us = statistics.median(us for us, _ in runs[False])
            on_b, whole_b = runs[True][0][1], runs[False][0][1]
            cost = on_us - off_us
            # Bytes saved per µs of diff = MB/s; ×8 = Mbit/s.
            pays = f"{(whole_b - on_b) / cost * 8:.0f} Mbit/s" if cost > 0 else "always"
            print(
                f"| {k} | {whole_b} | {label} | {on_us:.1f}, {on_b} | {off_us:.1f}"
                f" | {cost:+.1f} | {pays} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
