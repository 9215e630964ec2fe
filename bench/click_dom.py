"""Click→DOM in real Chromium: a counter and one cell of a 300-row table, liveview against a
hand-written htmx + Channels page measured in the same run.

Starts uvicorn on a free loopback port (``bench/server.py``) serving ``bench/click_dom_app.py``'s
pages, and headless Chromium (Playwright; Debian's ``/usr/bin/chromium`` when Playwright has
none), one tab per variant:

* **counter**: liveview's counter (partial updates on, the default) · the same counter with
  ``partial_updates = False`` (the whole component morphed, as before partial updates) · the
  hand-written page (its consumer answers ``<output id="count" hx-swap-oob="true">N</output>``);
* **table**: one cell changed in a 300-row ``liveview.data.Table`` · the hand-written page of
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
import statistics
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    tail,
    uvicorn_server,
)


@dataclass(frozen=True, slots=True)
class Variant:
    """One page and what a click on it changes."""

    name: str
    scenario: str  # "counter" or "table"
    path: str
    #: The button clicked, and the element whose text shows the new value (CSS selectors).
    button: str
    target: str
    #: Whether this is the scenario's hand-written baseline.
    baseline: bool = False

    def shows(self, clicks: int) -> str:
        """What the target shows after `clicks` clicks: every click counted once."""
        return str(clicks) if self.scenario == "counter" else f"changed {clicks}"


LV_BUTTON = "#lv-1 .lv-data > button"
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
    Variant(
        "liveview.data.Table", "table", "/bench/click/table/", "#lv-1 .lv-data > button", LV_CELL
    ),
)

#: The htmx builds, as --builds names them: the server's settings for each (bench/settings.py
#: reads them from its environment, as the demo's do).
BUILDS: dict[str, dict[str, str]] = {
    "htmx4beta": {"LIVEVIEW_HTMX_VERSION": "4"},  # django-htmx's htmx-4: 4.0.0-beta6
    "htmx2": {"LIVEVIEW_HTMX_VERSION": "2"},
    "htmx4": {"LIVEVIEW_HTMX_VERSION": "4"},  # + LIVEVIEW_HTMX_BUILD: make htmx's 4.0.x
}
DEFAULT_BUILD = "htmx4beta"

#: Clicks `count` times, one at a time, on `button`; each time the milliseconds from just
#: before the click to the MutationObserver callback that sees `target`'s text change.
CLICKS_JS = """
async ({button, target, count, pause}) => {
  const times = [];
  for (let i = 0; i < count; i++) {
    const shown = document.querySelector(target);
    if (!shown) throw new Error("no " + target + " on the page");
    const before = shown.textContent;
    let observer, timer;
    const seen = new Promise((resolve, reject) => {
      observer = new MutationObserver(() => {
        const now = performance.now(), el = document.querySelector(target);
        if (el && el.textContent !== before) resolve(now);
      });
      observer.observe(document.body, {subtree: true, childList: true, characterData: true});
      timer = setTimeout(() => reject(new Error(target + " still shows " + before)), 10000);
    });
    window.__clicks = {sent: 0, received: 0};
    const start = performance.now();
    document.querySelector(button).click();
    const end = await seen;
    observer.disconnect();
    clearTimeout(timer);
    const {sent, received} = window.__clicks;
    times.push([end - start, sent - start, received - sent, end - received]);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return times;
}
"""

#: Run in every page before its scripts: the moment the click's frame leaves (the first
#: ``WebSocket.send``) and the moment the reply arrives (the socket's first ``message``
#: listener, before htmx's), so a click's time splits into the browser's outbound part, the
#: network and server, and the browser's inbound part (the parse, the swap, the glue).
SPLIT_JS = """
(() => {
  const Native = window.WebSocket, send = Native.prototype.send;
  window.__clicks = {sent: 0, received: 0};
  function Timed(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener("open", () => { window.__opened = (window.__opened || 0) + 1; });
    ws.addEventListener("message", () => {
      if (!window.__clicks.received) window.__clicks.received = performance.now();
    });
    return ws;
  }
  Timed.prototype = Native.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Timed[k] = Native[k];
  Native.prototype.send = function (data) {
    if (!window.__clicks.sent) window.__clicks.sent = performance.now();
    return send.call(this, data);
  };
  window.WebSocket = Timed;
})();
"""

#: Resolves once the page's socket is open (SPLIT_JS counts the opens).
OPENED_JS = """
() => new Promise((resolve, reject) => {
  const start = performance.now();
  const check = () => {
    if (window.__opened > 0) resolve(true);
    else if (performance.now() - start > 10000) reject(new Error("the page's socket never opened"));
    else setTimeout(check, 10);
  };
  check();
})
"""

#: How long a page waits after each click's change before the next click (ms).
PAUSE_MS = 10
#: Chromium's flags besides liveview.testing's: a tab in the background runs its timers at
#: full speed (the variants' tabs take turns in front).
EXTRA_ARGS = (
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)


@dataclass(slots=True)
class Timings:
    variant: Variant
    #: Per click: click→DOM, and its parts: click→send, send→reply, reply→DOM (ms).
    clicks: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def millis(self) -> list[float]:
        return [c[0] for c in self.clicks]

    def quantile(self, q: float) -> float:
        return quantile(self.millis, q)

    def parts(self) -> tuple[float, float, float]:
        """The medians of click→send, send→reply and reply→DOM."""
        return (
            statistics.median(c[1] for c in self.clicks),
            statistics.median(c[2] for c in self.clicks),
            statistics.median(c[3] for c in self.clicks),
        )


def quantile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, linear between the two nearest."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


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


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium as liveview.testing launches it, with EXTRA_ARGS."""
    from playwright.sync_api import sync_playwright

    from liveview.testing.browser import CHROMIUM_ARGS, chromium_executable

    with sync_playwright() as p:
        executable = chromium_executable(p)
        browser = p.chromium.launch(
            headless=True,
            executable_path=str(executable) if executable else None,
            args=[*CHROMIUM_ARGS, *EXTRA_ARGS],
        )
        try:
            yield browser
        finally:
            browser.close()


def measure_build(
    browser: Any, base_url: str, variants: Sequence[Variant], warmup: int, clicks: int, block: int
) -> tuple[str, list[Timings]]:
    """Every variant's click→DOM times on one server; and the htmx version the pages loaded."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(30_000)
    context.add_init_script(SPLIT_JS)
    try:
        pages = []
        errors: list[str] = []
        console: list[str] = []
        for v in variants:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(f"{e.name}: {e.message}"))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            for attempt in (1, 2):
                page.goto(v.path)
                try:
                    page.evaluate(OPENED_JS)
                    break
                except Exception as exc:  # seen once in a while: say so, and load it again
                    print(f"{v.path}: {exc}; console: {console[-5:]}", file=sys.stderr)
                    if attempt == 2:
                        raise
            if not v.baseline:
                page.wait_for_selector("body[data-lv-state=live]")
            page.wait_for_selector(v.button)
            pages.append(page)
        version: str = pages[0].evaluate("htmx.version")
        if not all(page.evaluate("crossOriginIsolated") for page in pages):
            raise RuntimeError("a page is not cross-origin isolated: its timer is coarse")
        results = [Timings(v) for v in variants]

        def clicks_on(i: int, count: int) -> list[tuple[float, float, float, float]]:
            v, page = variants[i], pages[i]
            page.bring_to_front()
            args = {"button": v.button, "target": v.target, "count": count, "pause": PAUSE_MS}
            times: list[list[float]] = page.evaluate(CLICKS_JS, args)
            return [(a, b, c, d) for a, b, c, d in times]

        for i in range(len(variants)):
            clicks_on(i, warmup)
        rounds = max(1, -(-clicks // block))
        for r in range(rounds):
            order = list(range(len(variants)))
            order = order[r % len(order) :] + order[: r % len(order)]
            for i in order:
                results[i].clicks += clicks_on(i, min(block, clicks - r * block))
        if errors:
            raise RuntimeError(f"JavaScript errors on the pages: {errors}")
        for v, page, result in zip(variants, pages, results, strict=True):
            shown = page.text_content(v.target)
            if shown is None or shown.strip() != v.shows(warmup + len(result.clicks)):
                raise RuntimeError(f"{v.path}: {v.target} shows {shown!r} after every click")
        return version, results
    finally:
        context.close()


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
    met = live_c <= 1.1 * hand_c and live_c <= whole_c and live_t <= 1.2 * hand_t
    text = (
        f"htmx {result.version}: counter p50 {live_c:.2f} ms, {live_c / hand_c:.2f}× the"
        f" hand-written page's {hand_c:.2f} ms (target: 1.1×), the whole-component morph's"
        f" {whole_c:.2f} ms (target: liveview no slower); one cell of 300 rows"
        f" {live_t:.2f} ms, {live_t / hand_t:.2f}× the hand-written {hand_t:.2f} ms (target: 1.2×)"
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
