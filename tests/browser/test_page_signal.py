"""The page's signal for tests (docs/testing.md, "Waiting in a browser"), under each htmx build:
body[data-lv-state] and body[data-lv-pending] follow the socket and what is in flight, and
`liveview:idle` fires each time the page becomes live with nothing pending."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from liveview.socket.consumer import close_all
from liveview.socket.protocol import CloseCode
from liveview.testing.playwright import IDLE, expect_idle, expect_live, expect_offline
from tests.browser.support import LiveServer, count_of, counter
from tests.browser.test_dashboard_summary import release  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

#: Records every value body's signal attributes took, in order, and the idle events.
WATCH = """
window.__lv = {state: [], pending: [], idle: [], lazyAtIdle: []};
document.addEventListener("liveview:idle", () => {
  window.__lv.idle.push(document.body.getAttribute("data-lv-pending"));
  window.__lv.lazyAtIdle.push(document.querySelectorAll("[data-lv-lazy]").length);
});
new MutationObserver((records) => {
  for (const r of records) {
    const list = r.attributeName === "data-lv-state" ? window.__lv.state : window.__lv.pending;
    list.push(r.target.getAttribute(r.attributeName));
  }
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-lv-state", "data-lv-pending"],
});
"""


def seen(page: Page) -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = page.evaluate("window.__lv")
    return values


def distinct(values: list[str]) -> list[str]:
    """The values in order, repeats of the one before dropped."""
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


def test_a_page_is_connecting_then_live_and_idle_once(page: Page, htmx_version: str) -> None:
    page.add_init_script(WATCH)
    page.goto("/counter/")
    expect_idle(page)
    assert distinct(seen(page)["state"]) == ["connecting", "live"]
    assert seen(page)["idle"] == ["0"]


def test_a_click_is_pending_until_its_answer_is_applied(page: Page, htmx_version: str) -> None:
    page.add_init_script(WATCH)
    page.goto("/counter/")
    expect_idle(page)
    first = counter(page, "First counter")
    first.get_by_role("button", name="Increment").click()
    expect_idle(page)
    # Idle: the answer is in the page, so a plain read (no retrying) is right.
    assert count_of(first).inner_text() == "1"
    assert distinct(seen(page)["pending"])[-2:] == ["1", "0"]
    assert seen(page)["idle"] == ["0", "0"]


#: Records, at each idle event, what the expression box holds and the last expression sent.
WATCH_SENDS = """
window.__sent = {last: null, atIdle: []};
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const d = JSON.parse(data), values = d.body && typeof d.body === "object" ? d.body : d;
  if ("expression" in values) window.__sent.last = values.expression;
  return send.call(this, data);
};
document.addEventListener("liveview:idle", () => {
  const box = document.querySelector("input[name=expression]");
  window.__sent.atIdle.push([box.value, window.__sent.last]);
});
"""


def test_debounced_input_is_pending_until_sent_and_answered(page: Page, htmx_version: str) -> None:
    page.add_init_script(WATCH)
    page.add_init_script(WATCH_SENDS)
    page.goto("/calculator/")
    expect_idle(page)
    page.get_by_label("Expression").press_sequentially("6*7")
    expect_idle(page)
    assert page.locator(".result").inner_text() == "42"
    pending = distinct(seen(page)["pending"])
    assert pending[0] == "0" and pending[-1] == "0" and "1" in pending
    # Never idle with typed input not sent yet (keys slower than the debounce may be sent one
    # by one, each answered: idle in between is right then).
    at_idle = page.evaluate("window.__sent.atIdle")
    assert at_idle[0] == ["", None]
    assert all(box == sent for box, sent in at_idle[1:]), at_idle
    assert at_idle[-1] == ["6*7", "6*7"]


def test_a_lazy_component_is_pending_until_rendered(
    page: Page,
    htmx_version: str,
    release: threading.Event,  # noqa: F811  (the fixture)
) -> None:
    page.add_init_script(WATCH)
    page.goto("/dashboard/")
    expect_live(page)
    body = page.locator("body")
    expect(body).to_have_attribute("data-lv-pending", "1")
    expect(page.locator(IDLE)).to_have_count(0)
    release.set()
    expect_idle(page)
    assert seen(page)["idle"] == ["0"]
    assert seen(page)["lazyAtIdle"] == [0]
    summary = page.get_by_role("region", name="Summary")
    assert "The data set: 8 features" in summary.get_by_role("table").inner_text()


def test_a_dropped_socket_is_offline_until_the_reconnect_renders(
    context: BrowserContext, page: Page, server: LiveServer, htmx_version: str
) -> None:
    page.add_init_script(WATCH)
    page.goto("/counter/")
    expect_idle(page)
    context.set_offline(True)
    server.call(lambda: close_all(code=CloseCode.RESYNC))
    expect_offline(page)
    expect(page.locator(IDLE)).to_have_count(0)
    context.set_offline(False)
    expect_idle(page)
    states = ["connecting", "live", "offline", "connecting", "live"]
    assert distinct(seen(page)["state"]) == states
    assert seen(page)["idle"] == ["0", "0"]
