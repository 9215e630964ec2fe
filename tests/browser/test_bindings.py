"""Bindings, the loading hook, handler errors and nested components, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.browser.support import open_live
from tests.components import SLOW_RELEASE

pytestmark = pytest.mark.browser


@pytest.fixture
def bindings(page: Page, settings: Settings, htmx_version: str) -> Iterator[Page]:
    settings.ROOT_URLCONF = "tests.browser.urls"
    SLOW_RELEASE.clear()
    open_live(page, "/bindings/")
    yield page
    SLOW_RELEASE.set()  # never leave the server's sync thread waiting


def test_a_key_filter_sends_only_on_that_key(bindings: Page) -> None:
    note = bindings.get_by_label("Note")
    note.press_sequentially("hello")
    note.press("Enter")
    expect(bindings.locator("#lv-1 .saved")).to_have_text("hello")
    # Had any other key sent the event, the server would have counted it first.
    expect(bindings.locator("#lv-1 .saves")).to_have_text("1")


def test_the_component_is_marked_busy_while_its_event_runs(bindings: Page) -> None:
    slow = bindings.locator("#lv-2")
    indicator = slow.locator(".lv-indicator")
    expect(indicator).to_be_hidden()
    slow.get_by_role("button", name="Work").click()
    expect(slow).to_have_class("lv-loading")
    expect(slow).to_have_attribute("aria-busy", "true")
    expect(indicator).to_be_visible()
    SLOW_RELEASE.set()
    expect(slow.locator(".done")).to_have_text("1")
    expect(slow).not_to_have_class("lv-loading")
    expect(indicator).to_be_hidden()


def test_a_failing_handler_shows_an_error_and_the_page_stays_live(bindings: Page) -> None:
    greeter = bindings.locator("#lv-3")
    greeter.get_by_role("button", name="Explode").click()
    expect(greeter.get_by_role("alert")).to_have_text("Something went wrong in explode.")
    expect(greeter).to_contain_text("Hello world")  # the last good state
    greeter.get_by_role("button", name="Rename").click()
    expect(greeter).to_contain_text("Hello you")
    expect(greeter.get_by_role("alert")).to_have_count(0)


def test_nested_components_have_their_own_events(bindings: Page) -> None:
    second = bindings.locator("#lv-4-2")
    second.get_by_role("button", name="Bump").click()
    expect(second.locator("b")).to_have_text("102")
    expect(bindings.locator("#lv-4-1 b")).to_have_text("1")
    expect(bindings.locator("#lv-4 h2")).to_have_text("parent")
