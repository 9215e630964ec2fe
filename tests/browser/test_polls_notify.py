"""Messages between components in real Chromium, under each htmx build: the vote form's
`self.live.notify("poll-voted", ...)` reaches the results next to it on the same page
(`@listens`), which marks the visitor's own vote; another visitor's page is not told."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from liveview.testing.playwright import expect_idle, open_live
from tests.browser.support import LiveServer
from tests.browser.test_polls import new_poll, other  # noqa: F401  (other: a fixture)

pytestmark = pytest.mark.browser


def row(page: Page, choice: str) -> Locator:
    return page.get_by_role("table", name="Results").get_by_role("row").filter(has_text=choice)


def test_a_vote_tells_the_results_on_the_same_page_which_row_is_mine(
    page: Page,
    other: Page,  # noqa: F811  (the fixture)
    server: LiveServer,
    htmx_version: str,
) -> None:
    pk = new_poll(server, f"Notify {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    open_live(other, f"/polls/{pk}/")
    page.get_by_role("button", name="Pizza").click()
    expect_idle(page)  # the notice is delivered in the vote's own turn: in its answer
    assert row(page, "Pizza").get_attribute("class") == "mine"
    assert "(your vote)" in row(page, "Pizza").inner_text()
    assert "(your vote)" not in row(page, "Salad").inner_text()
    # The other visitor sees the vote counted, not marked as theirs.
    expect(row(other, "Pizza").locator(".votes")).to_have_text("1")
    expect(other.locator("tr.mine")).to_have_count(0)
    # Their own vote marks their own row, and leaves the first visitor's mark alone.
    other.get_by_role("button", name="Salad").click()
    expect(row(other, "Salad")).to_have_class("mine")
    expect(page.locator(".total-votes")).to_have_text("2")
    expect_idle(page)
    expect(page.locator("tr.mine")).to_have_count(1)
    expect(row(page, "Pizza")).to_have_class("mine")
