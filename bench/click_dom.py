"""Click→DOM in real Chromium: a counter and one cell of a 300-row table, liveview against a
hand-written htmx + Channels page measured in the same run.

Starts uvicorn on a free loopback port (``bench/server.py``) serving ``bench/click_dom_app.py``'s
pages, and headless Chromium (Playwright; Debian's ``/usr/bin/chromium`` when Playwright has
none; ``bench/click_dom_browser.py``), one tab per variant:

* **counter**: liveview's counter (partial updates on, the default) · the same counter with
  ``partial_updates = False`` (the whole component morphed, as before partial updates) · the
  hand-written page (its consumer answers ``<output id="count" hx-swap-oob="true">N</output>``);
* **table**: one cell changed in a 300-row ``liveview.data.Table`` · the same table as a stream
  (``Table(stream=True)``: the server sends the changed row alone) · the hand-written page of
  the same 300 rows, whose consumer sends that cell alone, out of band.

Inside the page: ``performance.now()`` just before the button's ``click()`` (dispatched from
the page's JavaScript), then again in the ``MutationObserver`` callback that first sees the new
value in the DOM. So the figure covers htmx's send, the socket both ways, the server, htmx's
parse and swap and the glue's handlers that run before the swap; not painting. One click at a
time, 10 ms apart. Warm-up clicks, then blocks of clicks alternating between the variants (in
a rotating order), so drift hits all alike.

    .venv/bin/python bench/click_dom.py                    # django-htmx's htmx 4 (the default)
    .venv/bin/python bench/click_dom.py --builds all       # and htmx 2, htmx 4.0.x (make htmx)

This is a measurement, not a test: it asserts nothing about time; it fails when a click does
not show its new value within 10 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], the project is not
    sys.path.insert(0, str(ROOT))

from bench.click_dom_browser import (  # noqa: E402
    Timings,
    Variant,
    chromium,
    measure_build,
)
from bench.section import Section  # noqa: E402
from bench.server import (  # noqa: E402
    HOST,
    bench_env,
    exit_on_sigterm,
    free_port,
    migrate,
    tail,
    uvicorn_server,
)

LV_BUTTON = "#lv-1 .lv-data > button"
STREAM_TABLE = "liveview.data.Table(stream=True)"
LV_CELL = f'#lv-1 tbody > tr:nth-child({300 // 2 + 1}) > td[data-column="value"]'
VARIANTS: tuple[Variant, ...] = (
    Variant("hand-written", "counter", "/bench/click/counter-hand/", "button", "#count", True),
    Variant(
        "liveview",
        "counter",
        "/bench/click/counter/",
        "#lv-1 button:nth-of-type(2)",
        "#lv-1 output.count",
    ),
    Variant(
        "liveview, partial_updates = False",
        "counter",
        "/bench/click/counter-whole/",
        "#lv-1 button:nth-of-type(2)",
        "#lv-1 output.count",
    ),
    Variant("hand-written", "table", "/bench/click/table-hand/", "button", "#cell", True),
    Variant("liveview.data.Table", "table", "/bench/click/table/", LV_BUTTON, LV_CELL),
    Variant(STREAM_TABLE, "table", "/bench/click/table-stream/", LV_BUTTON, LV_CELL),
)

#: The htmx builds, as --builds names them: the server's settings for each (bench/settings.py
#: reads them from its environment, as the demo's do).
BUILDS: dict[str, dict[str, str]] = {
    "htmx4beta": {"LIVEVIEW_HTMX_VERSION": "4"},  # django-htmx's htmx-4: 4.0.0-beta6
    "htmx2": {"LIVEVIEW_HTMX_VERSION": "2"},
    "htmx4": {"LIVEVIEW_HTMX_VERSION": "4"},  # + LIVEVIEW_HTMX_BUILD: make htmx's 4.0.x
}
DEFAULT_BUILD = "htmx4beta"


def build_env(build: str, base: dict[str, str]) -> dict[str, str]:
    env = {**base, **BUILDS[build]}
    env.pop("LIVEVIEW_HTMX_BUILD", None)
    if build == "htmx4":
        from liveview.testing import htmx_builds

        path = htmx_builds.cached()
        if path is None:
            raise RuntimeError(f"no htmx 4.0.x in {htmx_builds.cache_dir()}: run `make htmx`")
        env["LIVEVIEW_HTMX_BUILD"] = str(path)
    return env


@dataclass(slots=True)
class BuildResult:
    build: str
    version: str
    timings: list[Timings]

    def of(self, scenario: str) -> list[Timings]:
        return [t for t in self.timings if t.variant.scenario == scenario]

    def baseline(self, scenario: str) -> Timings:
        return next(t for t in self.of(scenario) if t.variant.baseline)


def measure_all(
    builds: Sequence[str], warmup: int = 20, clicks: int = 200, block: int = 20
) -> list[BuildResult]:
    out: list[BuildResult] = []
    with tempfile.TemporaryDirectory(prefix="liveview-click-dom-") as tmp:
        base = bench_env(Path(tmp) / "bench.sqlite3")
        migrate(base)
        with chromium() as browser:
            for build in builds:
                env = build_env(build, base)
                port = free_port()
                log = Path(tmp) / f"uvicorn-{build}.log"
                with uvicorn_server(env, port, log):
                    try:
                        version, timings = measure_build(
                            browser, f"http://{HOST}:{port}", VARIANTS, warmup, clicks, block
                        )
                    except Exception:
                        print(f"server log, last lines:\n{tail(log, 12)}", file=sys.stderr)
                        raise
                result = BuildResult(build, version, timings)
                out.append(result)
                report(result)
    return out


def report(result: BuildResult) -> None:
    print(f"htmx {result.version} ({result.build}):", flush=True)
    for scenario in ("counter", "table"):
        base = result.baseline(scenario).quantile(0.5)
        for t in result.of(scenario):
            print(
                f"  {scenario:<8} {t.variant.name:<34} p50 {t.quantile(0.5):6.2f} ms"
                f"  p90 {t.quantile(0.9):6.2f} ms  ({len(t.millis)} clicks)"
                f"  p50 ×{t.quantile(0.5) / base:.2f}"
                "  (medians: click→send {:.2f}, send→reply {:.2f}, reply→DOM {:.2f})".format(
                    *t.parts()
                ),
                flush=True,
            )


# -- the runner's section (python -m bench) --------------------------------------------------


def verdict(result: BuildResult) -> tuple[str, bool]:
    counter = {t.variant.name: t.quantile(0.5) for t in result.of("counter")}
    table = {t.variant.name: t.quantile(0.5) for t in result.of("table")}
    hand_c, live_c = counter["hand-written"], counter["liveview"]
    whole_c = counter["liveview, partial_updates = False"]
    hand_t, live_t = table["hand-written"], table["liveview.data.Table"]
    stream_t = table[STREAM_TABLE]
    met = live_c <= 1.1 * hand_c and live_c <= whole_c and live_t <= 1.2 * hand_t
    text = (
        f"htmx {result.version}: counter p50 {live_c:.2f} ms, {live_c / hand_c:.2f}× the"
        f" hand-written page's {hand_c:.2f} ms (target: 1.1×), the whole-component morph's"
        f" {whole_c:.2f} ms (target: liveview no slower); one cell of 300 rows"
        f" {live_t:.2f} ms, {live_t / hand_t:.2f}× the hand-written {hand_t:.2f} ms (target: 1.2×;"
        f" as a stream {stream_t:.2f} ms, {stream_t / hand_t:.2f}×)"
    )
    return text, met


def section(results: Sequence[BuildResult], clicks: int, quick: bool) -> Section:
    rows = []
    for result in results:
        for scenario in ("counter", "table"):
            base = result.baseline(scenario).quantile(0.5)
            for t in result.of(scenario):
                rows.append(
                    (
                        result.version,
                        "counter" if scenario == "counter" else "one cell of 300 rows",
                        ("baseline: " if t.variant.baseline else "") + t.variant.name,
                        f"{t.quantile(0.5):.2f}",
                        f"{t.quantile(0.9):.2f}",
                        f"{t.quantile(0.5) / base:.2f}",
                        " / ".join(f"{part:.2f}" for part in t.parts()),
                    )
                )
    text, met = verdict(results[0])
    notes = [
        f"{clicks} clicks per page after warm-up, in blocks alternating between the pages;"
        " the verdict is the first build's."
    ]
    notes += [f"{t} ({'met' if m else 'missed'})." for t, m in map(verdict, results[1:])]
    return Section(
        name="click_dom",
        title="Click to DOM in Chromium",
        command=".venv/bin/python bench/click_dom.py --builds "
        + ",".join(r.build for r in results)
        + (f" --clicks {clicks} --warmup 2" if quick else ""),
        columns=(
            "htmx",
            "scenario",
            "page",
            "p50 (ms)",
            "p90 (ms)",
            "p50 / baseline",
            "click→send / send→reply / reply→DOM (medians, ms)",
        ),
        rows=rows,
        verdict=text,
        met=met,
        notes=notes,
    )


def run(quick: bool) -> Section:
    """200 clicks per page after 20 warm-up clicks, under each htmx build (quick: 10 after 2,
    the default build only)."""
    if quick:
        clicks, warmup, builds = 10, 2, [DEFAULT_BUILD]
    else:
        clicks, warmup, builds = 200, 20, available_builds()
    return section(measure_all(builds, warmup, clicks, block=min(20, clicks)), clicks, quick)


def available_builds() -> list[str]:
    """Every build: htmx 4.0.x only when `make htmx` has cached it."""
    from liveview.testing import htmx_builds

    return [b for b in BUILDS if b != "htmx4" or htmx_builds.cached() is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clicks", type=int, default=200, help="measured clicks per page")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up clicks per page")
    parser.add_argument("--block", type=int, default=20, help="clicks per page in a row")
    parser.add_argument(
        "--builds",
        default=DEFAULT_BUILD,
        help=f"comma-separated, of {', '.join(BUILDS)}; or all (default: {DEFAULT_BUILD})",
    )
    args = parser.parse_args(argv)
    builds = available_builds() if args.builds == "all" else args.builds.split(",")
    if unknown := set(builds) - set(BUILDS):
        parser.error(f"unknown builds {sorted(unknown)}")
    if min(args.clicks, args.block) < 1 or args.warmup < 0:
        parser.error("--clicks and --block must be positive")
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    measure_all(builds, args.warmup, args.clicks, args.block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
