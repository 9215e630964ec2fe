"""Flash messages and one-shot timers in real Chromium, under each htmx build: a vote flashes
"Vote counted" to the visitor who voted (no one else), and a timer set by `self.live.after`
dismisses it, once."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.fixtures import Settings

from liveview.runtime import timers
from liveview.runtime.page import Page as Page_
from liveview.testing.playwright import expect_idle, open_live
from tests.browser.support import LiveServer
from tests.browser.test_polls import new_poll, other  # noqa: F401  (other: a fixture)

pytestmark = pytest.mark.browser

#: How long a flash stays, here: long enough to be seen, short enough for a test.
SECONDS = 1.0


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[list[str]]:
    """The timers that ran, in order, as "method(id)" (the server runs in this process)."""
    settings.LIVEVIEW_FLASH_SECONDS = SECONDS
    calls: list[str] = []
    original = timers.fire

    @functools.wraps(original)
    def fire(page: Page_, timer: timers.Timer) -> str | None:
        if not timer.cancelled:
            calls.append(f"{timer.method}({timer.kwargs.get('id')})")
        return original(page, timer)

    monkeypatch.setattr(timers, "fire", fire)
    yield calls


def messages_on(page: Page) -> Locator:
    return page.locator(".lv-messages .lv-message")


def test_a_flash_shows_to_the_voter_only_and_goes_away(
    page: Page,
    other: Page,  # noqa: F811  (the fixture)
    server: LiveServer,
    htmx_version: str,
    ran: list[str],
) -> None:
    pk = new_poll(server, f"Flash {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    open_live(other, f"/polls/{pk}/")
    page.get_by_role("button", name="Pizza").click()
    expect(messages_on(page)).to_have_text(["Vote counted: Pizza. ×"])
    # The other visitor's page shows the vote, and no message: the flash is the voter's.
    expect(other.locator(".total-votes")).to_have_text("1")
    expect_idle(other)
    expect(messages_on(other)).to_have_count(0)
    # The timer dismisses it: no click, no reload.
    expect(messages_on(page)).to_have_count(0, timeout=int(SECONDS * 1000) + 5_000)
    assert ran == ["dismiss(1)"]


def test_a_dismissal_timer_fires_once(
    page: Page, server: LiveServer, htmx_version: str, ran: list[str]
) -> None:
    pk = new_poll(server, f"Timer {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    page.get_by_role("button", name="Pizza").click()
    expect(messages_on(page)).to_have_count(1)
    expect(messages_on(page)).to_have_count(0, timeout=int(SECONDS * 1000) + 5_000)
    # A second message, flashed after the first one went: by the time its own timer dismisses
    # it, a first timer that repeated would have run again.
    page.get_by_role("button", name="Salad").click()
    expect(messages_on(page)).to_have_text(["Vote counted: Salad. ×"])
    expect(messages_on(page)).to_have_count(0, timeout=int(SECONDS * 1000) + 5_000)
    assert ran == ["dismiss(1)", "dismiss(2)"]
    assert page.locator(".total-votes").inner_text() == "2"


def test_the_dismiss_button_cancels_the_timer(
    page: Page, server: LiveServer, htmx_version: str, ran: list[str]
) -> None:
    pk = new_poll(server, f"Dismiss {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    page.get_by_role("button", name="Pizza").click()
    expect(messages_on(page)).to_have_count(1)
    page.get_by_role("button", name="Dismiss").click()
    expect(messages_on(page)).to_have_count(0)
    expect_idle(page)
    # A second message and its timer: the first one's timer, cancelled, never ran before it.
    page.get_by_role("button", name="Salad").click()
    expect(messages_on(page)).to_have_count(1)
    expect(messages_on(page)).to_have_count(0, timeout=int(SECONDS * 1000) + 5_000)
    assert ran == ["dismiss(2)"]
