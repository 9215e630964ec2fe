"""What ``bench/click_dom.py`` runs in Chromium: the pages' scripts that click and time, the
browser's launch, and one server's measurement (every page, blocks of clicks alternating).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


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
