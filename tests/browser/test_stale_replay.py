"""Stale replays in a real browser: htmx 2 queues the clicks made while its socket is down and
sends them all on reconnect; they carry the old connection's epoch and are not run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from liveview.consumer import close_all
from liveview.protocol import CloseCode
from tests.browser.support import LIVE, LiveServer, count_of, counter, open_live

pytestmark = pytest.mark.browser

RECONNECT_DELAY_MS = 1500


@pytest.mark.parametrize("htmx_version", [2], indirect=True, ids=["htmx2"])
def test_clicks_queued_while_disconnected_are_not_replayed(
    page: Page, server: LiveServer, htmx_version: int
) -> None:
    open_live(page, "/counter/")
    first = counter(page, "First counter")
    increment = first.get_by_role("button", name="Increment")
    increment.click()
    expect(count_of(first)).to_have_text("1")
    # htmx 2 waits a random 0-1 s before reconnecting; a fixed delay makes the window certain.
    page.evaluate(f"htmx.config.wsReconnectDelay = () => {RECONNECT_DELAY_MS}")
    server.call(lambda: close_all(code=CloseCode.RESYNC))
    page.wait_for_selector("body[data-lv-socket=closed]", state="attached")
    for _ in range(3):
        increment.click()  # queued by htmx 2 while the socket is down
    # The reconnect renders from the token (the counter starts again at 0); the three queued
    # clicks arrive stamped with the old epoch and are refused, not counted.
    expect(page.locator("#lv-1 > .lv-error")).to_contain_text("reconnecting", timeout=5000)
    page.wait_for_selector(LIVE, state="attached")
    expect(count_of(first)).to_have_text("0")
    # A click on the new render counts, once.
    increment.click()
    expect(count_of(first)).to_have_text("1")
