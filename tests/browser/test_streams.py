"""Streams in real Chromium under every htmx build (docs/streams.md): items in at the top and
the bottom of a list and a table, in place, out, trimmed to the limit; a whole re-render keeps
them; a reconnect renders the window from the database; typing in one item survives another's
update."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect
from pytest_django.fixtures import Settings

from liveview.socket.consumer import close_all
from liveview.socket.protocol import CloseCode
from tests.browser.support import LIVE, LiveServer, open_live
from tests.components import BOARD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def board(settings: Settings) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.browser.urls"
    BOARD[:] = [{"id": 1, "text": "item 1"}, {"id": 2, "text": "item 2"}]
    yield
    BOARD.clear()


def items(page: Page) -> Locator:
    return page.get_by_role("list", name="Items").locator("> li .text")


def rows(page: Page) -> Locator:
    return page.locator("table tbody > tr > td.text")


def shows(page: Page, *texts: str) -> None:
    expect(items(page)).to_have_text(list(texts))
    expect(rows(page)).to_have_text(list(texts))


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_inserts_updates_deletes_and_the_limit(page: Page, htmx_version: str) -> None:
    open_live(page, "/streams/")
    shows(page, "item 1", "item 2")
    click(page, "Add on top")
    shows(page, "item 3", "item 1", "item 2")
    click(page, "Add")
    shows(page, "item 3", "item 1", "item 2", "item 4")
    click(page, "Add")  # past the limit of 4: the top one goes
    shows(page, "item 1", "item 2", "item 4", "item 5")
    click(page, "Edit 2")
    shows(page, "item 1", "item 2 edited", "item 4", "item 5")
    click(page, "Remove 4")
    shows(page, "item 1", "item 2 edited", "item 5")
    assert page.locator("[data-lv-ins], template, hx-partial").count() == 0


def test_a_whole_rerender_and_another_items_update_keep_what_the_user_typed(
    page: Page, htmx_version: str
) -> None:
    open_live(page, "/streams/")
    note = page.get_by_label("Note 1")
    note.fill("draft")  # focused
    # Sent as the server would have it from elsewhere: a dispatched click moves no focus.
    page.get_by_role("button", name="Edit 2").dispatch_event("click")
    shows(page, "item 1", "item 2 edited")
    expect(note).to_be_focused()
    expect(note).to_have_value("draft")
    page.get_by_role("button", name="Retitle").dispatch_event("click")
    expect(page.get_by_role("heading", name="Board 1")).to_be_visible()
    shows(page, "item 1", "item 2 edited")
    expect(page.get_by_label("Note 1")).to_have_value("draft")


def test_a_reconnect_renders_the_window_from_the_database(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    open_live(page, "/streams/")
    click(page, "Add")
    shows(page, "item 1", "item 2", "item 3")
    BOARD.append({"id": 9, "text": "item 9"})  # written while the page was not told
    BOARD[:] = [r for r in BOARD if r["id"] != 1]
    page.evaluate("document.body.removeAttribute('data-lv-socket')")
    assert server.call(lambda: close_all(code=CloseCode.RESYNC)) >= 1
    page.wait_for_selector(LIVE, state="attached")
    shows(page, "item 2", "item 3", "item 9")


@pytest.mark.parametrize("box", ["Note", "Draft"])  # unnamed; named (the glue owns its input)
def test_an_update_of_the_very_item_being_typed_in_keeps_the_text_focus_and_caret(
    page: Page, htmx_version: str, box: str
) -> None:
    """The item holding the focused box is replaced by its stream_insert (another tab's edit):
    the user's unsaved text, the focus and the caret stay, in that item's box."""
    open_live(page, "/streams/")
    note = page.get_by_label(f"{box} 2")
    note.click()
    page.keyboard.type("draft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # the caret inside the text: "dra|ft"
    # Sent as the server would have it from elsewhere: a dispatched click moves no focus.
    page.get_by_role("button", name="Edit 2").dispatch_event("click")
    shows(page, "item 1", "item 2 edited")
    note = page.get_by_label(f"{box} 2")
    expect(note).to_be_focused()
    expect(note).to_have_value("draft")
    assert note.evaluate("box => [box.selectionStart, box.selectionEnd]") == [3, 3]
    page.keyboard.type("X")  # typing goes on where the caret was
    expect(note).to_have_value("draXft")
    expect(page.get_by_label(f"{box} 1")).to_have_value("")  # the other item's box is as it was


def test_an_update_that_adds_a_box_before_the_others_keeps_each_value_in_its_own_control(
    page: Page, htmx_version: str
) -> None:
    """The updated item has a new unnamed box before the unnamed one being typed in: the text,
    focus and caret stay in the box they were in (matched by its label, not its position), the
    new box is empty, and an unnamed multi-select keeps its choices."""
    open_live(page, "/streams/")
    page.get_by_label("Colours 2").select_option(["red", "green"])
    note = page.get_by_label("Note 2")
    note.click()
    page.keyboard.type("draft")
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Edit 2").dispatch_event("click")
    shows(page, "item 1", "item 2 edited")
    expect(page.get_by_label("Tag 2")).to_have_value("")
    note = page.get_by_label("Note 2")
    expect(note).to_be_focused()
    expect(note).to_have_value("draft")
    assert note.evaluate("box => [box.selectionStart, box.selectionEnd]") == [4, 4]
    expect(page.get_by_label("Colours 2")).to_have_values(["red", "green"])
    expect(page.get_by_label("Colours 1")).to_have_values([])


def test_an_update_without_the_box_the_user_typed_in_leaves_the_item_as_it_was(
    page: Page, htmx_version: str
) -> None:
    """The update drops the box the user changed: the item stays as it was, text and all
    (typed text is never lost); the table's row, which had nothing typed in, is updated."""
    open_live(page, "/streams/")
    page.get_by_label("Scratch 2").fill("keep me")
    page.get_by_role("button", name="Edit 2").dispatch_event("click")
    expect(rows(page)).to_have_text(["item 1", "item 2 edited"])
    expect(items(page)).to_have_text(["item 1", "item 2"])
    expect(page.get_by_label("Scratch 2")).to_have_value("keep me")


def test_an_update_of_an_item_whose_file_box_holds_a_chosen_file_keeps_it(
    page: Page, htmx_version: str
) -> None:
    """A file input's value cannot be set by script: the item's update keeps the box the user
    chose a file in, and the item is replaced once (not shown twice)."""
    open_live(page, "/streams/")
    chosen_file: FilePayload = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hi"}
    page.get_by_label("File 2").set_input_files(files=[chosen_file])
    page.get_by_role("button", name="Edit 2").dispatch_event("click")
    shows(page, "item 1", "item 2 edited")
    chosen = page.get_by_label("File 2").evaluate("box => Array.from(box.files, f => f.name)")
    assert chosen == ["notes.txt"]
