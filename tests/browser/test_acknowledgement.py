"""The server acknowledges a plain event in a comment at the end of its reply, not by swapping
#lv-epoch (docs/events.md, "What travels on the socket"): under every htmx build the element
stays as it is, and the glue still knows what is acknowledged (the page's signal, the input)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from liveview.testing.playwright import expect_idle
from tests.browser.support import LiveServer, count_of, counter, open_live
from tests.browser.test_polls import new_poll, question_of

pytestmark = pytest.mark.browser

#: Watches #lv-epoch from the page's first frame on: every change to its attributes, and
#: whether it is still the element the connect's frame put there.
WATCH_EPOCH = """
window.__ep = {changes: [], node: null};
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === "attributes" && r.target.id === "lv-epoch") {
      window.__ep.changes.push(r.attributeName);
    }
  }
}).observe(document, {subtree: true, attributes: true, childList: true});
"""


def mark_epoch(page: Page) -> None:
    """Remember the #lv-epoch element now, and forget the changes seen so far."""
    page.evaluate(
        "window.__ep.node = document.getElementById('lv-epoch'); window.__ep.changes = []"
    )


def epoch_untouched(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(
        """() => ({same: window.__ep.node === document.getElementById("lv-epoch"),
                   changes: window.__ep.changes,
                   ack: document.getElementById("lv-epoch").getAttribute("data-ack")})"""
    )
    return state


def test_a_plain_events_reply_leaves_the_epoch_element_as_it_is(
    page: Page, htmx_version: str
) -> None:
    page.add_init_script(WATCH_EPOCH)
    open_live(page, "/counter/")
    expect_idle(page)
    mark_epoch(page)
    first = counter(page, "First counter")
    for n in (1, 2, 3):
        first.get_by_role("button", name="Increment").click()
        expect_idle(page)  # pending back to 0: the comment acknowledged the click
        assert count_of(first).inner_text() == str(n)
    assert epoch_untouched(page) == {"same": True, "changes": [], "ack": None}


def test_input_is_acknowledged_without_the_epoch_element_and_stays_the_users(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, "Lunch?")
    page.add_init_script(WATCH_EPOCH)
    open_live(page, f"/polls/{pk}/")
    expect_idle(page)
    mark_epoch(page)
    box = page.locator("form.editor input[name=question]")
    box.select_text()  # the first key replaces the question shown
    box.press_sequentially("Lunch at one?", delay=30)
    expect_idle(page)
    # The server holds every key: nothing unacknowledged, the text the user typed intact.
    expect(page.locator("#lv-status")).to_have_attribute("data-unacked", "0")
    expect(page.locator("form.editor .unsaved")).to_be_visible()
    expect(box).to_have_value("Lunch at one?")
    assert epoch_untouched(page) == {"same": True, "changes": [], "ack": None}
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form.editor .saved")).to_be_visible()
    expect_idle(page)
    assert question_of(server, pk) == "Lunch at one?"
    expect(box).to_have_value("Lunch at one?")
