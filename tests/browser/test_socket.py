"""The page's one socket: it comes back after the server closes it, and every load goes live."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, expect

from liveview.socket.consumer import close_all
from liveview.socket.protocol import CloseCode
from tests.browser.support import LIVE, LiveServer, count_of, counter, open_live

pytestmark = pytest.mark.browser

LOADS = 100
PER_LOAD_TIMEOUT_MS = 5_000


def test_reconnect(page: Page, server: LiveServer, htmx_version: str) -> None:
    """A close with 1012 (service restart) makes the page reconnect and re-render, no reload."""
    open_live(page, "/counter/")
    page.evaluate("window.__marker = 42")
    first = counter(page, "First counter")
    increment = first.get_by_role("button", name="Increment")
    for expected in ("1", "2", "3"):
        increment.click()
        expect(count_of(first)).to_have_text(expected)

    closed = server.call(lambda: close_all(code=CloseCode.RESYNC))
    assert closed >= 1

    # The reconnect's full render starts again from the mount arguments.
    expect(count_of(first)).to_have_text("0")
    page.wait_for_selector(LIVE, state="attached")
    expect(count_of(counter(page, "Second counter"))).to_have_text("10")
    increment.click()
    expect(count_of(first)).to_have_text("1")
    assert page.evaluate("window.__marker") == 42


def test_every_load_is_live(page: Page, htmx_version: str) -> None:
    """Each of many loads goes live and answers an event (no init-order race)."""
    count = count_of(counter(page, "First counter"))
    increment = counter(page, "First counter").get_by_role("button", name="Increment")
    failures: list[str] = []
    for load in range(LOADS):
        page.goto("/counter/")
        try:
            page.wait_for_selector(LIVE, state="attached", timeout=PER_LOAD_TIMEOUT_MS)
            increment.click(timeout=PER_LOAD_TIMEOUT_MS)
            expect(count).to_have_text("1", timeout=PER_LOAD_TIMEOUT_MS)
        except (PlaywrightError, AssertionError) as exc:
            failures.append(f"load {load}: {str(exc).splitlines()[0]}")
    assert not failures, f"{len(failures)} of {LOADS} loads did not go live: {failures}"


def test_live_when_ws_extension_loads_late(page: Page, htmx_version: str) -> None:
    """The race behind flaky loads, made certain: htmx initialises before its ws extension.

    The extension's script is held back until htmx has run (htmx 4 also processes <body> by
    then, on a timer); the page must still go live once the extension arrives.
    """
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/ext/hx-ws*", hold)
    page.add_init_script(
        "document.addEventListener('htmx:after:process',"
        " () => { window.__htmxProcessed = true }, true)"
    )
    page.goto("/counter/", wait_until="commit")
    htmx_has_run = "window.htmx && (window.__htmxProcessed || htmx.version.startsWith('2.'))"
    page.wait_for_function(htmx_has_run)
    assert len(held) == 1, "the ws extension was not requested before htmx ran"
    assert page.evaluate("typeof htmx.ext === 'undefined' || !htmx.ext.ws"), "not held back"
    held[0].continue_()

    page.wait_for_selector(LIVE, state="attached")
    first = counter(page, "First counter")
    first.get_by_role("button", name="Increment").click()
    expect(count_of(first)).to_have_text("1")


HIDE = """hidden => {
    Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
    Object.defineProperty(document, "visibilityState",
        {configurable: true, get: () => (hidden ? "hidden" : "visible")});
    document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_tab_hidden_then_shown_again_is_live(page: Page, htmx_version: str) -> None:
    """htmx 4 closes the socket of a hidden tab and reopens it when the tab is shown: the page
    goes live again with a full render. htmx 2 keeps its socket open."""
    open_live(page, "/counter/")
    first = counter(page, "First counter")
    increment = first.get_by_role("button", name="Increment")
    increment.click()
    expect(count_of(first)).to_have_text("1")
    page.evaluate(HIDE, True)
    if htmx_version != "htmx2":
        page.wait_for_selector("body[data-lv-socket=closed]", state="attached")
    page.evaluate(HIDE, False)
    page.wait_for_selector(LIVE, state="attached")
    # A reconnect's render starts the in-memory counter again from its mount arguments.
    expect(count_of(first)).to_have_text("1" if htmx_version == "htmx2" else "0")
    increment.click()
    expect(count_of(first)).to_have_text("2" if htmx_version == "htmx2" else "1")
