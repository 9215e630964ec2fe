"""The poll editor's confirmed Delete and its Discard changes (only=True) in real Chromium,
under each htmx build: neither ws extension reads hx-confirm, the glue asks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from project.polls.models import Poll
from tests.browser.support import LiveServer, open_live, orm

pytestmark = pytest.mark.browser


def new_poll(server: LiveServer, question: str) -> int:
    return orm(server, lambda: Poll.objects.create(question=question).pk)


def exists(server: LiveServer, pk: int) -> bool:
    return orm(server, lambda: Poll.objects.filter(pk=pk).exists())


def test_delete_asks_and_cancel_sends_nothing(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, "Keep me?")
    open_live(page, f"/polls/{pk}/")
    asked: list[str] = []

    def cancel(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    page.get_by_role("button", name="Delete poll").click()
    # A later event on the same socket has its answer: the delete, had it left, came first.
    page.get_by_label("Question").fill("Keep me, edited?")
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    assert asked == ["Delete this poll and its votes?"]
    assert exists(server, pk)
    assert page.url.endswith(f"/polls/{pk}/")  # htmx 2: the form was not submitted either


def test_a_confirmed_delete_deletes_and_goes_to_the_list(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, "Delete me?")
    open_live(page, f"/polls/{pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete poll").click()
    page.wait_for_url("**/polls/")
    expect(page.get_by_role("heading", name="Polls")).to_be_visible()
    assert not exists(server, pk)


def test_discard_changes_in_the_form_sends_none_of_its_fields(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, "Original?")
    open_live(page, f"/polls/{pk}/")
    page.get_by_label("Question").fill("Typo?")
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_be_visible()
    page.get_by_role("button", name="Discard changes").click()
    expect(page.get_by_label("Question")).to_have_value("Original?")
    expect(page.get_by_role("status").filter(has_text="Unsaved changes")).to_have_count(0)
    expect(page.locator(".lv-error")).to_have_count(0)
    assert page.url.endswith(f"/polls/{pk}/")
