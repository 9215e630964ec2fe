"""Presence in real Chromium, under each htmx build: a poll's page says how many people are
viewing it, counts a second page as it opens and drops it once it is closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from liveview.testing.playwright import expect_idle, open_live
from tests.browser.support import LiveServer
from tests.browser.test_polls import new_poll

pytestmark = pytest.mark.browser


def viewing(page: Page) -> Locator:
    return page.locator(".viewers")


def test_a_second_page_is_listed_while_open_and_dropped_once_closed(
    page: Page, context: BrowserContext, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, f"Presence {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    expect(viewing(page)).to_have_text("1 person viewing")
    second = context.new_page()
    open_live(second, f"/polls/{pk}/")
    for viewer in (page, second):
        expect(viewing(viewer)).to_have_text("2 people viewing")
    second.close()
    expect(viewing(page)).to_have_text("1 person viewing")
    expect_idle(page)


def test_another_polls_viewers_are_not_counted(
    page: Page, context: BrowserContext, server: LiveServer, htmx_version: str
) -> None:
    pk, elsewhere = new_poll(server, f"Here {htmx_version}?"), new_poll(server, "Elsewhere?")
    open_live(page, f"/polls/{pk}/")
    expect(viewing(page)).to_have_text("1 person viewing")
    away = context.new_page()
    open_live(away, f"/polls/{elsewhere}/")
    expect(viewing(away)).to_have_text("1 person viewing")
    # A page that joins this poll after it: the count the first page then shows is read
    # after both joins, and has only this poll's viewers.
    third = context.new_page()
    open_live(third, f"/polls/{pk}/")
    for viewer in (page, third):
        expect(viewing(viewer)).to_have_text("2 people viewing")
    expect(viewing(away)).to_have_text("1 person viewing")
