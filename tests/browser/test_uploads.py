"""Uploads in real Chromium, under every htmx build: two files chosen, each uploaded over HTTP
with its progress reaching 100% and a preview; one cancelled (deleted on the server); the
form's submit stores the other through the storage and nothing is left in the temporary area."""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, WebSocketRoute, expect
from pytest_django.fixtures import Settings

from liveview.batteries.uploads import TEMP_DIR
from liveview.testing.playwright import expect_idle
from project.files.models import SharedFile
from tests.browser.support import LIVE, LiveServer, open_live, orm

pytestmark = pytest.mark.browser


def png(width: int, height: int) -> bytes:
    """A real PNG (grey pixels), so that Chromium draws its preview."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + (chunk(b"IEND", b""))
    )


PNG = png(64, 64)


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_choose_two_files_see_progress_and_previews_cancel_one_and_submit(
    page: Page, server: LiveServer, media: Path, htmx_version: str
) -> None:
    title = f"Cats {htmx_version}"
    open_live(page, "/files/")
    share = page.get_by_role("button", name="Share")
    page.get_by_label("Title").fill(title)
    expect_idle(page)  # validated (the title's event acknowledged): no file yet
    expect(share).to_be_disabled()
    page.locator('input[type="file"]').set_input_files(
        [
            FilePayload(name="one.png", mimeType="image/png", buffer=PNG),
            FilePayload(name="two.png", mimeType="image/png", buffer=PNG),
        ]
    )
    uploads = page.locator(".lv-uploads li")
    expect(uploads).to_have_count(2)
    for i in range(2):
        expect(uploads.nth(i)).to_have_class("lv-upload lv-upload-done")
        expect(uploads.nth(i).locator("progress")).to_have_js_property("value", 100)
        expect(uploads.nth(i).locator("img.lv-upload-preview")).to_be_visible()
    assert len(os.listdir(media / TEMP_DIR)) == 2
    expect(share).to_be_enabled()  # each finished upload validates the form again

    with page.expect_response(lambda r: r.request.method == "DELETE") as cancelled:
        page.get_by_role("button", name="Cancel two.png").click()
    assert cancelled.value.status == 204
    expect(uploads).to_have_count(1)
    assert len(os.listdir(media / TEMP_DIR)) == 1

    share.click()
    expect(
        page.get_by_role("list", name="Shared files").get_by_text(title, exact=True)
    ).to_have_count(1)
    expect(uploads).to_have_count(0)  # the submitted form starts afresh
    names = orm(server, lambda: [f.file.name for f in SharedFile.objects.filter(title=title)])
    assert names == ["shared/one.png"]
    assert (media / "shared" / "one.png").read_bytes() == PNG
    assert os.listdir(media / TEMP_DIR) == []


def test_a_file_chosen_in_an_input_a_fragment_replaced_meanwhile_is_still_uploaded(
    page: Page, server: LiveServer, media: Path, htmx_version: str
) -> None:
    # The user opens the file dialog; while it is open a fragment (a validation's reply, a
    # broadcast) replaces the form, and htmx 2 replaces the input with it. The browser then
    # fires `change` on the input that opened the dialog, no longer in the page: the choice
    # must still be uploaded and listed in the form that is. (Replaced here by hand, as htmx 2
    # does, so every build meets the case.)
    open_live(page, "/files/")
    chooser = page.locator('input[type="file"]').element_handle()
    chooser.evaluate("input => input.replaceWith(input.cloneNode(true))")
    assert chooser.evaluate("input => !input.isConnected")
    chooser.set_input_files([FilePayload(name="late.png", mimeType="image/png", buffer=PNG)])
    upload = page.locator(".lv-uploads li")
    expect(upload).to_have_count(1)
    expect(upload).to_have_class("lv-upload lv-upload-done")
    assert len(os.listdir(media / TEMP_DIR)) == 1


def test_a_file_of_the_wrong_type_shows_the_servers_error(
    page: Page, server: LiveServer, media: Path, htmx_version: str
) -> None:
    open_live(page, "/files/")
    page.locator('input[type="file"]').set_input_files(
        [FilePayload(name="evil.png", mimeType="image/png", buffer=b"MZ\x90\x00\x00binary")]
    )
    failed = page.locator(".lv-uploads li.lv-upload-failed")
    expect(failed.get_by_role("alert")).to_have_text(
        "This type of file is not accepted (image/png, image/jpeg, image/gif, "
        "application/pdf, text/plain only)."
    )
    assert not (media / TEMP_DIR).exists() or os.listdir(media / TEMP_DIR) == []


def test_without_javascript_the_form_posts_its_files(
    browser: Browser, server: LiveServer, media: Path
) -> None:
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/files/")
        page.get_by_label("Title").fill("Posted")
        page.locator('input[type="file"]').set_input_files(
            FilePayload(name="posted.png", mimeType="image/png", buffer=PNG)
        )
        page.get_by_role("button", name="Share").click()
        expect(page).to_have_url(f"{server.base_url}/files/")
        shared = page.get_by_role("list", name="Shared files")
        expect(shared.get_by_text("Posted", exact=True)).to_have_count(1)
    finally:
        context.close()
    names = orm(server, lambda: [f.file.name for f in SharedFile.objects.filter(title="Posted")])
    assert names == ["shared/posted.png"]
    assert not (media / TEMP_DIR).exists()  # the post never used the temporary area


def test_files_chosen_before_the_page_is_live_are_uploaded_once_it_is(
    page: Page, server: LiveServer, media: Path, htmx_version: str
) -> None:
    held: list[WebSocketRoute] = []

    def hold(socket: WebSocketRoute) -> None:  # the page is not live until it connects
        held.append(socket)

    page.route_web_socket(re.compile(r"/ws/liveview/"), hold)
    page.goto("/files/")
    page.locator('input[type="file"]').set_input_files(
        FilePayload(name="early.png", mimeType="image/png", buffer=PNG)
    )
    page.wait_for_function(
        "document.body.hasAttribute('hx-ws:connect') || document.body.hasAttribute('ws-connect')"
    )
    expect(page.locator(".lv-uploads li")).to_have_count(0)  # no URL yet: nothing sent
    assert not (media / TEMP_DIR).exists()
    held[0].connect_to_server()
    upload = page.locator(".lv-uploads li")
    if htmx_version == "htmx2":  # htmx 2 replaces the input on the live render: files gone
        expect(page.locator(LIVE)).to_have_count(1)
        expect(upload).to_have_count(0)
        return
    expect(upload).to_have_class("lv-upload lv-upload-done")
    assert len(os.listdir(media / TEMP_DIR)) == 1
