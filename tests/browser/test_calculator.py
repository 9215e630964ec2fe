"""The calculator demo: the server evaluates the expression as it is typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import open_live

pytestmark = pytest.mark.browser

INVALID = "Invalid expression"


def enter(page: Page, expression: str) -> None:
    """Replace the field's text with `expression`, as one input event (like a paste)."""
    field = page.get_by_label("Expression")
    field.focus()
    field.select_text()
    page.keyboard.insert_text(expression)


def result(page: Page) -> Locator:
    return page.locator("output.result")


def test_calculator(page: Page, htmx_version: str) -> None:
    open_live(page, "/calculator/")
    enter(page, "2+3*4")
    expect(result(page)).to_have_text("14")
    enter(page, "2+")
    expect(result(page)).to_have_text(INVALID)
    enter(page, "1+1")
    expect(result(page)).to_have_text("2")
    # 9**(9**9) has ~370 million digits: refused before it is computed, so the answer is quick.
    enter(page, "9**9**9")
    expect(result(page)).to_have_text(INVALID, timeout=2_000)
    enter(page, "6*7")
    expect(result(page)).to_have_text("42")


def test_typing_keeps_focus_value_and_caret(page: Page, htmx_version: str) -> None:
    """Real keystrokes: htmx 4's morph keeps the focused input; under htmx 2, which replaces
    the component, the glue puts the typed text, focus and caret back."""
    open_live(page, "/calculator/")
    field = page.get_by_label("Expression")
    field.press_sequentially("12+3", delay=30)
    expect(result(page)).to_have_text("15")
    expect(field).to_be_focused()
    expect(field).to_have_value("12+3")
    state = field.evaluate(
        "el => ({active: document.activeElement === el, start: el.selectionStart,"
        " end: el.selectionEnd, length: el.value.length})"
    )
    assert state == {"active": True, "start": 4, "end": 4, "length": 4}
    # Typing on continues at the caret.
    page.keyboard.type("*2")
    expect(result(page)).to_have_text("18")
    expect(field).to_have_value("12+3*2")


def test_results_arriving_mid_typing_lose_no_keystroke(page: Page, htmx_version: str) -> None:
    """Pauses longer than the debounce: each key's result lands while the user types on."""
    open_live(page, "/calculator/")
    field = page.get_by_label("Expression")
    field.press_sequentially("1+5*2", delay=250)
    expect(result(page)).to_have_text("11")
    expect(field).to_have_value("1+5*2")
    expect(field).to_be_focused()
