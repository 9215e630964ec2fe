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


#: Records, in the page, every URL a frame put in the glue's redirect element (#lv-redirect's
#: data-url, which the glue follows on the next turn of the event loop).
WATCH_REDIRECTS = """() => {
  window.lvRedirects = [];
  new MutationObserver(() => {
    const r = document.querySelector("#lv-redirect[data-url]");
    if (r) window.lvRedirects.push(r.getAttribute("data-url"));
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def test_an_unsafe_redirect_shows_an_error_and_stays(goto: Page, server: LiveServer) -> None:
    dialogs: list[str] = []
    navigations: list[str] = []

    def dialog(d: Dialog) -> None:
        dialogs.append(d.message)
        d.dismiss()

    goto.on("dialog", dialog)
    goto.on("request", lambda r: navigations.append(r.url) if r.is_navigation_request() else None)
    goto.evaluate(WATCH_REDIRECTS)
    for n, url in enumerate(("javascript:alert(1)", "//evil.test/", "https://evil.test/")):
        goto.get_by_label("Where").fill(url)
        goto.get_by_role("button", name="Go").click()
        expect(goto.locator("#lv-2 .lv-error")).to_have_text("Something went wrong in go.")
        # A probe on the same socket: its answer is swapped after the refusal's frame, so a
        # redirect that frame carried would be recorded (and followed) before it shows.
        goto.get_by_label("Text").fill(f"probe {n}")
        goto.get_by_role("button", name="Write").click()
        expect(goto.locator("#lv-1 .text")).to_have_text(f"probe {n}")
        assert goto.evaluate("window.lvRedirects") == []
        assert navigations == []
        assert goto.url == server.url("/scribble/")
    assert dialogs == []
