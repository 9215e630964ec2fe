"""The alerts demo in real Chromium, under each htmx build: create in one browser (with an
attachment uploaded live: progress, preview) and see it in another, the detail modal at its own
URL (back closes it, a reload opens it) linking the stored file, delete with the dialog accepted
or dismissed, a flash for the actor only."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, FilePayload, Locator, Page, expect
from pytest_django.fixtures import Settings

from liveview.batteries.uploads import TEMP_DIR
from liveview.testing.playwright import expect_live
from project.alerts.models import Alert
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.support import LiveServer, open_live, orm
from tests.browser.test_uploads import PNG

pytestmark = pytest.mark.browser


@pytest.fixture
def other(browser: Browser, server: LiveServer, context: BrowserContext) -> Iterator[Page]:
    """A second person: a browser context of its own (its own cookies and session)."""
    second = browser.new_context(base_url=server.base_url)
    second.set_default_timeout(ACTION_TIMEOUT_MS)
    page = second.new_page()
    yield page
    second.close()


def new_alert(server: LiveServer, title: str, description: str = "") -> int:
    return orm(server, lambda: Alert.objects.create(title=title, description=description).pk)


def exists(server: LiveServer, pk: int) -> bool:
    return orm(server, lambda: Alert.objects.filter(pk=pk).exists())


def attachment_of(title: str) -> tuple[int, str]:
    alert = Alert.objects.get(title=title)
    return alert.pk, alert.attachment.name or ""


def row(page: Page, title: str) -> Locator:
    return page.locator(".alerts .alert").filter(has_text=title)


def test_a_created_alert_shows_in_every_browser_with_a_flash_for_the_actor_only(
    page: Page,
    other: Page,
    server: LiveServer,
    htmx_version: str,
    tmp_path: Path,
    settings: Settings,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    title = f"Disk full ({htmx_version})"
    open_live(page, "/alerts/")
    open_live(other, "/alerts/")
    page.get_by_label("Title").fill("ab")
    expect(page.locator(".field-error")).to_have_text(
        "Give the alert a title of at least 3 characters."
    )
    page.get_by_label("Title").fill(title)
    page.get_by_label("Severity").select_option("critical")
    page.get_by_label("Attachment").set_input_files(
        FilePayload(name="disk chart.png", mimeType="image/png", buffer=PNG)
    )
    uploaded = page.locator(".alert-form .lv-uploads li")
    expect(uploaded).to_have_class("lv-upload lv-upload-done")
    expect(uploaded.locator("progress")).to_have_js_property("value", 100)
    expect(uploaded.locator("img.lv-upload-preview")).to_be_visible()
    create = page.get_by_role("button", name="Create alert")
    expect(create).to_be_enabled()
    create.click()
    expect(row(page, title)).to_be_visible()
    expect(row(other, title)).to_be_visible()
    expect(page.locator(".lv-message")).to_contain_text(f"Alert “{title}” created.")
    expect(other.locator(".toast")).to_contain_text(f"Someone created “{title}”.")
    expect(other.locator(".lv-message")).to_have_count(0)
    expect(page.locator(".toast")).to_have_count(0)
    expect(page.get_by_label("Title")).to_have_value("")
    expect(uploaded).to_have_count(0)  # the form starts afresh
    pk, stored = orm(server, lambda: attachment_of(title))
    assert stored == "alerts/disk_chart.png"
    assert (tmp_path / stored).read_bytes() == PNG
    assert os.listdir(tmp_path / TEMP_DIR) == []
    row(other, title).get_by_role("button", name="Details").click()  # the other person
    attachment = other.get_by_role("dialog").locator(".attachment")
    expect(attachment.get_by_role("link", name="disk_chart.png")).to_have_attribute(
        "href", "/media/alerts/disk_chart.png"
    )
    expect(attachment.locator("img")).to_have_attribute("src", "/media/alerts/disk_chart.png")
    expect(other).to_have_url(re.compile(rf"/alerts/{pk}/$"))


def test_details_open_at_their_own_url_and_back_closes_them(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    title = f"Fan noise ({htmx_version})"
    pk = new_alert(server, title, "Rack 4, loud since Monday")
    open_live(page, "/alerts/")
    row(page, title).get_by_role("button", name="Details").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/alerts/{pk}/$"))
    page.go_back()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/alerts/$"))
    page.go_forward()
    expect(dialog).to_contain_text("Rack 4, loud since Monday")
    expect(page).to_have_url(re.compile(rf"/alerts/{pk}/$"))
    page.reload()  # the pushed URL renders the same state
    expect(page.get_by_role("dialog").get_by_role("heading", name=title)).to_be_visible()
    expect_live(page)  # Close is a live click: a click before the socket is open was lost
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/alerts/$"))


def test_delete_asks_cancel_keeps_it_and_ok_deletes_it(
    page: Page, other: Page, server: LiveServer, htmx_version: str
) -> None:
    title = f"Old alert ({htmx_version})"
    pk = new_alert(server, title)
    open_live(page, "/alerts/")
    open_live(other, "/alerts/")
    asked: list[str] = []

    def answer(accept: bool) -> None:
        def on_dialog(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", on_dialog)

    answer(False)
    row(page, title).get_by_role("button", name="Delete").click()
    # A later event on the same socket has its answer: the delete, had it left, came first.
    row(page, title).get_by_role("button", name="Details").click()
    expect(page.get_by_role("dialog").get_by_role("heading", name=title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/alerts/{pk}/$"))  # the form was not submitted
    assert asked == ["Delete this alert?"] and exists(server, pk)
    answer(True)
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(row(page, title)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)  # it was open: closed
    expect(page).to_have_url(re.compile(r"/alerts/$"))
    expect(page.locator(".lv-message")).to_contain_text(f"Alert “{title}” deleted.")
    expect(row(other, title)).to_have_count(0)
    expect(other.locator(".toast")).to_contain_text("Someone deleted an alert.")
    expect(other.locator(".lv-message")).to_have_count(0)
    assert not exists(server, pk)


def test_the_alerts_work_without_javascript(
    browser: Browser, server: LiveServer, tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    attachment = FilePayload(name="disk.png", mimeType="image/png", buffer=PNG)
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/alerts/")
        page.get_by_label("Title").fill("No script alert")
        page.get_by_label("Attachment").set_input_files(attachment)
        page.get_by_role("button", name="Create alert").click()
        expect(page).to_have_url(f"{server.base_url}/alerts/")
        expect(page.locator(".lv-message")).to_contain_text("Alert “No script alert” created.")
        row(page, "No script alert").get_by_role("button", name="Details").click()
        pk = orm(server, lambda: Alert.objects.get(title="No script alert").pk)
        expect(page).to_have_url(re.compile(rf"/alerts/{pk}/\??$"))
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_role("heading", name="No script alert")).to_be_visible()
        expect(dialog.locator(".attachment a")).to_have_attribute("href", "/media/alerts/disk.png")
        assert (tmp_path / "alerts" / "disk.png").read_bytes() == PNG
        assert not (tmp_path / TEMP_DIR).exists()  # the post never used the temporary area
        dialog.get_by_role("button", name="Delete").click()  # no dialog: a page that asks
        expect(page.get_by_role("heading", name="Delete this alert?")).to_be_visible()
        assert exists(server, pk)
        page.get_by_role("button", name="Delete alert").click()
        expect(page).to_have_url(f"{server.base_url}/alerts/")
        expect(page.locator(".lv-message")).to_contain_text("Alert “No script alert” deleted.")
        assert not exists(server, pk)
    finally:
        context.close()
