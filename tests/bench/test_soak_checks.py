"""bench/soak.py's checks: a coalesced skip is counted, not failed; a lost change fails.

The ledger (bench/soak_ledger.py) is the server's record of what each page was handed; the
socket's view (soak.Page) only sees the numbers the frames show. A page behind shows the
latest number once for several changes (coalescing): the socket sees a skip, the ledger shows
every change handed. A dropped change (the fault `--drop` injects in the hub) looks the same
on the socket, and the ledger must call it lost.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.soak import Page
from bench.soak_ledger import Coverage, Ledger
from bench.soak_report import Report, checks, section

TOPIC = "/soak/t0"


class Shown:
    """Stands for a SoakTopic on one page (the ledger keys pages weakly)."""


def test_in_order_handing_loses_nothing() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 5)
    for seq in range(6, 20):
        ledger.handed(page, seq)
    assert ledger.lost({TOPIC: 19}) == (0, 0)
    assert ledger.handed_count == 14


def test_a_dropped_change_is_lost_though_later_ones_arrive() -> None:
    ledger: Ledger[Shown] = Ledger()
    pages = [Shown() for _ in range(3)]
    for page in pages:
        ledger.mounted(page, TOPIC, 0)
    for seq in range(1, 11):
        if seq == 4:
            continue  # the fault: the hub dropped change 4, for every page of the topic
        for page in pages:
            ledger.handed(page, seq)
    assert ledger.lost({TOPIC: 10}) == (3, 3)


def test_a_change_handed_after_a_later_one_is_not_lost() -> None:
    """At connect: a delivery may hand 7 before the catch-up hands 6 (both after the render
    at 5); and a delivery batch hands several at once (coalesced: one render)."""
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 5)
    ledger.handed(page, 7)
    assert ledger.lost({TOPIC: 7}) == (1, 1)  # 6 not handed yet
    ledger.handed(page, 6)
    ledger.handed(page, 8)
    assert ledger.lost({TOPIC: 8}) == (0, 0)


def test_a_reload_covers_what_it_read_a_mount_again_does_not() -> None:
    """A reload the runtime hands a page (the catch-up's of a topic joined meanwhile) shows
    every change up to the number it read, handed or not; a refresh() a numbered change
    causes is no reload here (it would hide a change dropped just before)."""
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 2)
    ledger.handed(page, 4)
    ledger.mounted(page, TOPIC, 4)  # the refresh 4 caused: 3 is still missing
    assert ledger.lost({TOPIC: 4}) == (1, 1)
    ledger.handed(page, 9)
    ledger.reloaded(page, 8)  # the reload read 8
    assert ledger.lost({TOPIC: 9}) == (0, 0)
    ledger.handed(page, 11)
    assert ledger.lost({TOPIC: 11}) == (1, 1)  # 10: neither handed nor reloaded past


def test_a_number_after_the_last_is_not_counted() -> None:
    coverage = Coverage(TOPIC, 3)
    coverage.handed(6)
    assert coverage.missing(4) == 1
    assert coverage.missing(6) == 2


def test_a_closed_page_leaves_the_ledger() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 0)
    assert len(ledger) == 1
    del page
    assert len(ledger) == 0


def report(frames: list[int], ledger: Ledger[Shown], page: Shown, last: int) -> Report:
    """A one-page run: the socket saw `frames` after a render at 0; the ledger the rest."""
    seen = Page(0, TOPIC, first=0, last=0)
    for seq in frames:
        seen.see(seq)
    numbers, pages = ledger.lost({TOPIC: last})
    args = argparse.Namespace(warmup=0.0, sockets=1, minutes=1.0)
    state: dict[str, Any] = {"task_names": []}
    return Report(
        args,
        samples=[(0.0, 1000)],
        publisher={
            "seq": {TOPIC: last},
            "published": last,
            "late": 0,
            "max_lag_ms": 1.0,
            "paused_s": 0.1,
        },
        stale=int(seen.last != last),
        lost={"numbers": numbers, "pages": pages, "watched": len(ledger), "handed": 1},
        before=state,
        after=state,
        pages=[seen],
    )


def verdicts(run: Report) -> dict[str, bool]:
    return {what: ok for what, ok, _ in checks(run)}


def test_a_coalesced_skip_passes_and_is_counted() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 0)
    for seq in (1, 2, 3, 4):
        ledger.handed(page, seq)  # 2 and 3 in one batch: one frame, showing 3
    run = report([1, 3, 4], ledger, page, 4)
    assert all(verdicts(run).values())
    assert run.pages[0].gaps == 1 and run.pages[0].missed == 1


def test_the_same_frames_with_a_dropped_change_fail() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 0)
    for seq in (1, 3, 4):
        ledger.handed(page, seq)  # 2 was dropped: the page showed 3 when 3 came
    failed = [what for what, ok in verdicts(report([1, 3, 4], ledger, page, 4)).items() if not ok]
    assert failed == ["no change lost (every page handed it or a reload after it)"]


def test_a_ledger_that_watched_no_page_fails() -> None:
    ledger: Ledger[Shown] = Ledger()  # the wrapper was not installed: nothing recorded
    page = Shown()
    run = report([1, 2], ledger, page, 2)
    assert not verdicts(run)["no change lost (every page handed it or a reload after it)"]


def test_going_backwards_fails() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 0)
    for seq in (1, 2, 3):
        ledger.handed(page, seq)
    run = report([1, 3, 2, 3], ledger, page, 3)
    assert not verdicts(run)["never backwards"]


def test_the_runner_section_counts_skips_and_fails_on_a_loss() -> None:
    ledger: Ledger[Shown] = Ledger()
    page = Shown()
    ledger.mounted(page, TOPIC, 0)
    for seq in (1, 2, 3, 4):
        ledger.handed(page, seq)
    passed = section(report([1, 3, 4], ledger, page, 4), ["--minutes", "1"])
    assert passed.met
    skips = next(row for row in passed.rows if row[0].startswith("coalesced skips"))
    assert skips[1].startswith("1 (1 numbers) after the first change")
    other = Shown()  # another page on the topic, handed 2 but never 1
    ledger.mounted(other, TOPIC, 0)
    ledger.handed(other, 2)
    failed = section(report([1, 3, 4], ledger, page, 4), ["--minutes", "1"])
    assert not failed.met
    assert "failed: no change lost" in failed.verdict
