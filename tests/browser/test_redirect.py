"""A handler's `self.live.redirect(url)` in real Chromium: safe targets navigate, others don't."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect
from pytest_django.fixtures import Settings

from tests.browser.support import LiveServer, open_live

pytestmark = pytest.mark.browser


@pytest.fixture
def goto(page: Page, settings: Settings, htmx_version: str) -> Page:
    settings.ROOT_URLCONF = "tests.browser.urls"
    open_live(page, "/scribble/")
    return page


def test_a_safe_redirect_navigates_after_the_frame(goto: Page, server: LiveServer) -> None:
    goto.get_by_label("Where").fill("/bindings/?from=redirect")
    goto.get_by_role("button", name="Go").click()
    expect(goto).to_have_url(server.url("/bindings/?from=redirect"))
    expect(goto).to_have_title("bindings")


def test_an_unsafe_redirect_shows_an_error_and_stays(goto: Page, server: LiveServer) -> None:
    dialogs: list[str] = []

    def dialog(d: Dialog) -> None:
        dialogs.append(d.message)
        d.dismiss()

    goto.on("dialog", dialog)
    for url in ("javascript:alert(1)", "//evil.test/", "https://evil.test/"):
        goto.get_by_label("Where").fill(url)
        goto.get_by_role("button", name="Go").click()
        expect(goto.locator("#lv-2 .lv-error")).to_have_text("Something went wrong in go.")
        goto.wait_for_timeout(100)
        assert goto.url == server.url("/scribble/")
    assert dialogs == []
