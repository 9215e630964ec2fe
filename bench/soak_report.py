"""bench/soak.py's report: what a run measured (`Report`), its checks against the targets, the
printed summary and the runner's section."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.section import Section

if TYPE_CHECKING:
    from bench.soak import Page

MEMORY_TOLERANCE = 0.10
#: The server's state figures that must come back to their baseline once every socket closed.
LEFTOVER_KEYS = (
    "open_count",
    "hub.members",
    "hub.member_topics",
    "hub.topics_of",
    "hub.tasks",
    "hub.queue",
    "layer_groups",
    "layer_group_members",
    "layer_channels",
    "layer_queued",
    "connections_users",
    "connections_ips",
    "tasks",
    "live_objects.LiveConsumer",
    "live_objects.Page",
    "live_objects.SoakTopic",
)


def flatten(state: dict[str, Any], key: str) -> int:
    value: Any = state
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return int(value or 0)


@dataclass(slots=True)
class Report:
    args: argparse.Namespace
    open_s: float = 0.0
    samples: list[tuple[float, int]] = field(default_factory=list)  # (s after open, KiB)
    publisher: dict[str, Any] = field(default_factory=dict)
    growth: dict[str, int] = field(default_factory=dict)  # object types, warm-up to the end
    rss_closed: int = 0  # KiB, once every socket closed
    stale: int = 0  # sockets not showing their topic's last number after the run
    lost: dict[str, int] = field(default_factory=dict)  # the ledger's: numbers, pages, watched
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass(frozen=True, slots=True)
class Tally:
    """The run's figures, summed over the pages."""

    frames: int
    expected: int  # the changes shown after each page's connect
    gaps: int  # coalesced skips after the first change frame
    missed: int
    connect_gaps: int  # coalesced skips from the connect's render to the first change frame
    connect_missed: int
    backwards: int
    other: int
    closes: dict[int, int]
    open_pages: int

    @classmethod
    def of(cls, report: Report) -> Tally:
        pages = report.pages
        closes: dict[int, int] = {}
        for p in pages:
            if p.closed is not None:
                closes[p.closed] = closes.get(p.closed, 0) + 1
        return cls(
            frames=sum(p.frames for p in pages),
            expected=sum(report.publisher["seq"][p.topic] - p.first for p in pages),
            gaps=sum(p.gaps for p in pages),
            missed=sum(p.missed for p in pages),
            connect_gaps=sum(p.connect_gaps for p in pages),
            connect_missed=sum(p.connect_missed for p in pages),
            backwards=sum(p.out_of_order for p in pages),
            other=sum(p.other for p in pages),
            closes=closes,
            open_pages=sum(p.closed is None for p in pages),
        )


def lost_check(report: Report, tally: Tally) -> tuple[bool, str]:
    """No change lost: the ledger watched every open page, saw changes handed, and found no
    number some page was neither handed nor reloaded past."""
    lost = report.lost
    numbers, on, watched = lost.get("numbers", 0), lost.get("pages", 0), lost.get("watched", 0)
    handed = lost.get("handed", 0)
    watched_all = watched >= tally.open_pages and handed > 0
    figure = f"{numbers:,} ({on:,} pages)"
    if not watched_all:
        figure += (
            f"; the ledger watched {watched:,} of {tally.open_pages:,} pages, {handed:,} handed"
        )
    return watched_all and numbers == 0, figure


def memory_drift(report: Report) -> tuple[bool, str]:
    warm = [(t, kib) for t, kib in report.samples if t >= report.args.warmup]
    if not warm:
        return False, "no warm-up sample"
    base = warm[0][1]
    drift = max(abs(k - base) / base for _, k in warm)
    return drift <= MEMORY_TOLERANCE, f"{drift:.1%} (warm-up {base / 1024:.1f} MiB)"


def leftovers(report: Report) -> dict[str, int]:
    return {
        k: flatten(report.after, k) - flatten(report.before, k)
        for k in LEFTOVER_KEYS
        if flatten(report.after, k) > flatten(report.before, k)
    }


def checks(report: Report) -> list[tuple[str, bool, str]]:
    """(what, passed, figure) per target."""
    tally = Tally.of(report)
    left = leftovers(report)
    return [
        ("no change lost (every page handed it or a reload after it)", *lost_check(report, tally)),
        ("never backwards", tally.backwards == 0, f"{tally.backwards:,}"),
        ("no unexpected closes", not tally.closes, f"{sum(tally.closes.values()):,}"),
        ("every page ends on the last number", report.stale == 0, f"{report.stale:,} stale"),
        ("memory within ±10 % after warm-up", *memory_drift(report)),
        ("no leftovers", not left, ", ".join(f"{k} {v:+d}" for k, v in left.items()) or "none"),
    ]


def coalesced(tally: Tally) -> str:
    return (
        f"{tally.gaps:,} ({tally.missed:,} numbers) after the first change;"
        f" {tally.connect_gaps:,} ({tally.connect_missed:,}) at connect"
    )


def summarize(report: Report) -> None:
    args, pages = report.args, report.pages
    tally = Tally.of(report)
    pub = report.publisher

    print()
    print(
        f"sockets {args.sockets}, topics {args.topics}, rate {args.rate:g}/s,"
        f" {args.minutes:g} min after {report.open_s:.1f} s of opening"
        + (f"; FAULT: the hub dropped its change #{args.drop}" if args.drop else "")
    )
    print(
        f"publisher: {pub['published']:,} changes, {pub['late']} ticks late,"
        f" max lag {pub['max_lag_ms']} ms, paused {pub['paused_s']} s for the census;"
        f" deepest backlog: hub queue {pub['max_hub_queue']},"
        f" its layer channel {pub['max_layer_queue']} (capacity 100)"
    )
    print(
        f"frames: {tally.frames:,} received of {tally.expected:,} changes shown after the"
        f" connect ({tally.frames / max(tally.expected, 1):.4%}); {tally.other} without a number"
    )
    print(f"coalesced skips (a page behind showed the latest number at once): {coalesced(tally)}")
    skipped = [p for p in pages if p.connect_gaps]
    if skipped:
        print(
            "  at connect: "
            + ", ".join(f"#{p.index} {p.topic} from {p.first}" for p in skipped[:10])
            + (" ..." if len(skipped) > 10 else "")
        )
    lost = report.lost
    print(
        f"lost (the ledger: a number a page was neither handed nor told to reload after):"
        f" {lost.get('numbers')} on {lost.get('pages')} pages; it watched"
        f" {lost.get('watched')} pages, {lost.get('handed', 0):,} changes handed"
    )
    print(f"out of order: {tally.backwards}")
    print(f"unexpected closes: {sum(tally.closes.values())} {tally.closes or ''}")
    print(f"stale after the run (not showing the topic's last number): {report.stale}")

    warm = [(t, kib) for t, kib in report.samples if t >= args.warmup]
    if warm:
        base = warm[0][1]
        low, high = min(k for _, k in warm), max(k for _, k in warm)
        last = warm[-1][1]
        print(
            f"server RSS: {report.samples[0][1] / 1024:.1f} MiB when open; warm-up"
            f" ({warm[0][0]:.0f} s) {base / 1024:.1f} MiB; after it min {low / 1024:.1f},"
            f" max {high / 1024:.1f}, last {last / 1024:.1f} MiB: drift"
            f" {(low - base) / base:+.1%} .. {(high - base) / base:+.1%},"
            f" end {(last - base) / base:+.1%}; {report.rss_closed / 1024:.1f} MiB once closed"
        )
    else:
        print("server RSS: the run ended before the warm-up")
    print(f"server objects grown most from the warm-up to the end: {report.growth}")

    before, after = report.before, report.after
    print("leftovers (after the run minus before the sockets opened):")
    for key in LEFTOVER_KEYS:
        b, a = flatten(before, key), flatten(after, key)
        print(f"  {key:<28} {b:>6} -> {a:>6}  ({a - b:+d})")
    extra = sorted(set(after["task_names"]) - set(before["task_names"]))
    print(f"  new task names: {extra or 'none'}")
    print(f"  layer channels after: {after['layer_channel_names']}")
    hub = after.get("hub") or {}
    print(f"  hub: channel {hub.get('channel')}, recent-changes cache {hub.get('recent')}")

    print()
    for what, ok, figure in checks(report):
        print(f"{verdict(ok)}  {what}: {figure}")


def section(report: Report, argv: list[str]) -> Section:
    """The run's checks, skips and notes as the runner's Section."""
    args, tally = report.args, Tally.of(report)
    results = checks(report)
    rows = [(what, figure, verdict(ok)) for what, ok, figure in results]
    rows.append(("coalesced skips (a page behind shows the latest state)", coalesced(tally), ""))
    rows.append(("frames received / changes shown", f"{tally.frames:,} / {tally.expected:,}", ""))
    failed = [what for what, ok, _ in results if not ok]
    pub = report.publisher
    return Section(
        name="soak",
        title="Reliability soak",
        command=".venv/bin/python bench/soak.py " + " ".join(argv),
        columns=("check", "figure", ""),
        rows=rows,
        verdict=(
            f"{args.sockets:,} pages, {args.minutes:g} min, {pub['published']:,}"
            f" changes: " + (f"failed: {', '.join(failed)}" if failed else "every check passed")
        ),
        met=not failed,
        notes=(
            "The baseline is the server itself: its RSS at the warm-up sample, and what it held"
            " before the first page (for the leftovers).",
            f"Publisher: {pub['late']:,} ticks late (the server waited for a core), max lag"
            f" {pub['max_lag_ms']:,} ms; paused {pub['paused_s']} s for the warm-up's census.",
        ),
    )
