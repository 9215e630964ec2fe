"""The echo demo: messages go to the server over the socket and come back as text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.support import open_live

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


def test_echo(page: Page, htmx_version: str) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_live(page, "/echo/")
    echoes = page.get_by_role("list", name="Echoes")
    items = echoes.get_by_role("listitem")
    expect(items).to_have_count(0)

    sent: list[str] = []
    for number, message in enumerate(["hello, world", *HOSTILE, "last one"]):
        field = page.get_by_label("Message")
        field.fill(message)
        if number % 2:
            page.get_by_role("button", name="Send").click()
        else:
            field.press("Enter")
        sent.insert(0, message)
        expect(items).to_have_count(len(sent))
        expect(items.first).to_have_text(message)
        assert items.first.inner_text() == message  # literal text, not markup
        expect(page.get_by_label("Message")).to_have_value("")

    assert items.all_inner_texts() == sent
    assert echoes.locator("script, img").count() == 0
    # "last one" made a full round trip after the hostile messages were shown.
    assert dialogs == []
