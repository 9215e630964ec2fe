"""The counter demo: two independent counters, each with its own state on the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import LiveServer, count_of, counter, open_live

pytestmark = pytest.mark.browser


def test_counter(page: Page, htmx_version: str) -> None:
    open_live(page, "/counter/")
    first, second = counter(page, "First counter"), counter(page, "Second counter")
    first_count, second_count = count_of(first), count_of(second)
    expect(first_count).to_have_text("0")
    expect(second_count).to_have_text("10")

    first.get_by_role("button", name="Increment").click()
    expect(first_count).to_have_text("1")
    expect(second_count).to_have_text("10")

    first.get_by_role("button", name="Increment").click()
    expect(first_count).to_have_text("2")
    first.get_by_role("button", name="Decrement").click()
    expect(first_count).to_have_text("1")
    expect(second_count).to_have_text("10")

    second.get_by_role("button", name="Decrement").click()
    expect(second_count).to_have_text("9")
    second.get_by_role("button", name="Increment").click()
    second.get_by_role("button", name="Increment").click()
    expect(second_count).to_have_text("11")
    expect(first_count).to_have_text("1")


def test_no_javascript(browser: Browser, server: LiveServer, htmx_version: str) -> None:
    """Without JavaScript the first render is a complete, ordinary HTML page."""
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto("/counter/")
        assert response is not None and response.status == 200
        first, second = counter(page, "First counter"), counter(page, "Second counter")
        expect(first.get_by_role("heading", name="First counter")).to_be_visible()
        expect(second.get_by_role("heading", name="Second counter")).to_be_visible()
        expect(count_of(first)).to_have_text("0")
        expect(count_of(second)).to_have_text("10")
        for section in (first, second):
            expect(section.get_by_role("button", name="Increment")).to_be_visible()
            expect(section.get_by_role("button", name="Decrement")).to_be_visible()
        assert page.locator("body").get_attribute("data-lv-socket") is None
    finally:
        context.close()
