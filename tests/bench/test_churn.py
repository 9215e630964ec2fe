"""bench/churn.py: the figures over the second half of the cycles, and the verdict on them."""

from __future__ import annotations

from bench.churn import ChurnResult, Sample, section

#: 2,000 cycles after 200: a sample after the warm-up and every 180 cycles.
DONE = [200, *range(380, 2001, 180)]


def result(kib: list[int], blocks: list[int], objects: list[int]) -> ChurnResult:
    r = ChurnResult(2000, 200, seconds=1.0, warm_kib=kib[0], end_kib=kib[-1])
    r.samples = [Sample(*s) for s in zip(DONE, kib, blocks, objects, strict=True)]
    return r


FLAT = [100_000] * len(DONE)


def test_the_figures_are_per_cycle_from_the_first_sample_past_the_middle() -> None:
    # The middle of cycles 200..2000 is 1,100: the sample at 1,100 is the second half's first.
    kib = [100_000] * 5 + [100_100] * 6  # a step of 100 KiB before the middle: not counted
    blocks = [1_000 + d for d in DONE]  # one block kept per cycle
    objects = [500 + d // 2 for d in DONE]
    r = result(kib, blocks, objects)
    assert r.second_half_start().done == 1_100
    assert r.late_per_cycle() == (0.0, 1.0, 0.5)


def test_an_object_kept_per_cycle_misses_the_target_even_with_a_flat_rss() -> None:
    kept = [1_000 + d for d in DONE]
    missed = section(result(FLAT, kept, FLAT), 32, quick=True)
    assert missed.met is False
    assert "blocks +1.000 and gc objects +0.000 per cycle" in missed.verdict
    assert section(result(FLAT, FLAT, FLAT), 32, quick=True).met is True


def test_a_late_rss_step_still_misses_the_target_with_python_flat() -> None:
    # The RSS is not excused by a flat Python heap: memory outside it (C buffers) would show
    # in the RSS alone.
    step = [100_000] * 9 + [100_600] * 2
    r = section(result(step, FLAT, FLAT), 32, quick=True)
    assert r.met is False
    assert "blocks +0.000 and gc objects +0.000 per cycle" in r.verdict
