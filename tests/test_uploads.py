"""Uploads: the signed upload URL, the limits enforced while the bytes arrive, cancel, the
live form consuming its uploads into the storage, the plain post, and the sweep."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadhandler import SkipFile
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from liveview.batteries.upload_form import LiveUploadForm
from liveview.batteries.upload_handler import LimitedUploadHandler
from liveview.batteries.uploads import TEMP_DIR, Ticket, Upload, safe_name, sniff, sweep, upload_url
from liveview.core.token import Binding, PageToken
from liveview.runtime.page import Page
from project.files.components.files import SharedFileFormComponent
from project.files.models import SharedFile

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
RULE = Upload(max_size=1000, accept=("image/png", "text/plain"), max_files=2)


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def client() -> Client:
    c = Client(enforce_csrf_checks=True)
    c.get("/files/")  # the page sets the CSRF cookie, as a browser's first visit does
    return c


def binding_of(client: Client) -> Binding:
    return Binding.of(None, None, client.cookies["csrftoken"].value)


def url_for(client: Client, page: str = "P1", rule: Upload = RULE, field: str = "file") -> str:
    live = Page(connected=True)
    live.mounted_from = PageToken(components=(), binding=binding_of(client), page=page)
    return upload_url(live, "lv-1", field, rule)


def post(client: Client, url: str, data: bytes, name: str = "cat.png") -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    csrf = client.cookies["csrftoken"].value
    return client.post(url, {"file": upload}, headers={"X-CSRFToken": csrf})


def temp_files(media: Path) -> list[str]:
    folder = media / TEMP_DIR
    return sorted(os.listdir(folder)) if folder.exists() else []


def stored(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


# -- the upload view ---------------------------------------------------------------------------


def test_an_upload_is_kept_in_the_temporary_area_and_answers_its_id(
    media: Path, client: Client
) -> None:
    response = post(client, url_for(client), PNG)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "cat.png" and body["size"] == len(PNG) and body["type"] == "image/png"
    assert len(temp_files(media)) == 1 and body["id"]


def test_a_file_over_the_size_is_refused_and_nothing_is_stored(media: Path, client: Client) -> None:
    response = post(client, url_for(client), PNG + b"\x00" * 2000)
    assert response.status_code == 413
    assert response.json() == {"error": "The file is too large: at most 1000 bytes."}
    assert stored(media) == []


def test_the_size_is_enforced_while_streaming_not_only_from_the_content_length(
    media: Path, client: Client
) -> None:
    # A body within the overall bound (two files' worth) but one file over its own limit.
    response = post(client, url_for(client), PNG + b"\x00" * 900)
    assert response.status_code == 413
    assert stored(media) == []


def test_the_type_is_sniffed_from_the_bytes_not_the_name(media: Path, client: Client) -> None:
    response = post(client, url_for(client), b"<html><script>alert(1)</script>\x00", "cat.png")
    assert response.status_code == 415
    assert (
        response.json()["error"]
        == "This type of file is not accepted (image/png, text/plain only)."
    )
    assert stored(media) == []


def test_path_tricks_in_a_name_are_dropped_and_the_extension_follows_the_type(
    media: Path, client: Client
) -> None:
    response = post(client, url_for(client), PNG, "../../../etc/evil page.html")
    assert response.status_code == 201
    assert response.json()["name"] == "evil_page.png"
    assert all(path.startswith(TEMP_DIR + "/") for path in stored(media))


def test_an_expired_upload_url_is_refused(media: Path, client: Client, settings: Settings) -> None:
    url = url_for(client)
    settings.LIVEVIEW_UPLOAD_URL_MAX_AGE = -1
    response = post(client, url, PNG)
    assert response.status_code == 403
    assert response.json() == {"error": "This upload link has expired: reload the page."}
    assert stored(media) == []


def test_a_forged_upload_url_is_refused(media: Path, client: Client) -> None:
    url = url_for(client)
    forged = url.replace("/upload/", "/upload/x", 1)
    response = post(client, forged, PNG)
    assert response.status_code == 403 and response.json() == {
        "error": "This upload link is not valid."
    }
    assert stored(media) == []


def test_an_upload_url_of_another_session_is_refused(media: Path, client: Client) -> None:
    other = Client(enforce_csrf_checks=True)
    other.get("/files/")
    response = post(client, url_for(other), PNG)
    assert response.status_code == 403
    assert response.json() == {"error": "This upload link belongs to another session."}
    assert stored(media) == []


def test_an_upload_without_the_csrf_token_is_refused(media: Path, client: Client) -> None:
    upload = io.BytesIO(PNG)
    upload.name = "cat.png"
    assert client.post(url_for(client), {"file": upload}).status_code == 403
    assert temp_files(media) == []


def test_cancel_deletes_the_temporary_file(media: Path, client: Client) -> None:
    url = url_for(client)
    entry = post(client, url, PNG).json()["id"]
    csrf = client.cookies["csrftoken"].value
    response = client.delete(f"{url}?id={entry}", headers={"X-CSRFToken": csrf})
    assert response.status_code == 204
    assert temp_files(media) == []


def test_cancel_with_another_pages_url_deletes_nothing(media: Path, client: Client) -> None:
    entry = post(client, url_for(client, page="P1"), PNG).json()["id"]
    csrf = client.cookies["csrftoken"].value
    other_page = url_for(client, page="P2")
    response = client.delete(f"{other_page}?id={entry}", headers={"X-CSRFToken": csrf})
    assert response.status_code == 400 and response.json() == {"error": "Unknown upload."}
    assert len(temp_files(media)) == 1


def test_a_slow_drip_past_the_time_limit_is_dropped() -> None:
    now = [0.0]
    handler = LimitedUploadHandler(None, {"file": Upload(max_seconds=10)}, clock=lambda: now[0])
    handler.new_file("file", "a.txt", "text/plain", None)
    handler.receive_data_chunk(b"a", 0)
    now[0] = 11.0
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"b", 1)
    assert handler.errors == {"file": ["The upload took too long."]} and handler.file.closed


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"GIF89a..", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7", "application/pdf"),
        ("héllo".encode(), "text/plain"),
        (b"MZ\x90\x00\x03", "application/octet-stream"),
    ],
)
def test_sniff_tells_the_type_from_the_first_bytes(head: bytes, expected: str) -> None:
    assert sniff(head) == expected


def test_safe_name_keeps_no_path_and_no_hidden_file() -> None:
    assert safe_name("C:\\Users\\x\\..\\.htaccess", "text/plain") == "htaccess.txt"
    assert safe_name("...", "image/png") == "file.png"
    assert len(safe_name("a" * 300 + ".png", "image/png")) == 100


# -- the live form ------------------------------------------------------------------------------


def live_form(client: Client, page: str = "P1") -> tuple[Page, SharedFileFormComponent]:
    live = Page(connected=True)
    live.mounted_from = PageToken(components=(), binding=binding_of(client), page=page)
    comp = live.mount("shared_file_form", "lv-1", {})
    live.render(comp, oob=True)
    assert isinstance(comp, SharedFileFormComponent)
    return live, comp


def test_the_live_form_renders_its_signed_upload_url(media: Path, client: Client) -> None:
    live, comp = live_form(client)
    html = live.render(comp, oob=True)
    url = comp.upload_context("file")["url"]
    assert url.startswith("/liveview/upload/") and f'data-lv-upload="{url}"' in html
    assert Ticket.verify(url.split("/")[-2]).rule == comp.upload_rules()["file"]


def test_no_upload_url_before_the_page_is_live(media: Path) -> None:
    page = Page(connected=False)
    comp = page.mount("shared_file_form", "lv-1", {})
    assert 'data-lv-upload=""' in page.render(comp, oob=False)


def test_submit_consumes_the_uploads_into_the_storage(media: Path, client: Client) -> None:
    live, comp = live_form(client)
    url = comp.upload_context("file")["url"]
    ids = [post(client, url, PNG, f"cat{i}.png").json()["id"] for i in range(2)]
    live.dispatch("lv-1", "submit", {"title": "Cats", "file": ids, "form_round": "0"})
    files = list(SharedFile.objects.order_by("pk"))
    assert [f.title for f in files] == ["Cats", "Cats"]
    assert [f.file.name for f in files] == ["shared/cat0.png", "shared/cat1.png"]
    assert (media / "shared" / "cat0.png").read_bytes() == PNG
    assert temp_files(media) == [] and comp.submitted == 1


def test_a_submit_whose_upload_vanished_after_the_check_is_refused(
    media: Path, client: Client
) -> None:
    live, comp = live_form(client)
    entry = post(client, comp.upload_context("file")["url"], PNG).json()["id"]
    for name in temp_files(media):  # the check reads no bytes; opening the file finds it gone
        (media / TEMP_DIR / name).unlink()
    live.dispatch("lv-1", "submit", {"title": "Cats", "file": [entry], "form_round": "0"})
    assert "The upload is gone: choose the file again." in comp.errors["file"]
    assert SharedFile.objects.count() == 0 and comp.submitted == 0
    assert comp.data["title"] == "Cats" and comp.upload_ids["file"] == [entry]


def test_an_upload_of_another_page_is_not_consumed(media: Path, client: Client) -> None:
    _, theirs = live_form(client, page="P1")
    entry = post(client, theirs.upload_context("file")["url"], PNG).json()["id"]
    live, comp = live_form(client, page="P2")
    live.dispatch("lv-1", "submit", {"title": "Cats", "file": [entry], "form_round": "0"})
    assert SharedFile.objects.count() == 0
    assert "Unknown upload." in comp.errors["file"]
    assert len(temp_files(media)) == 1  # left for its own page (or the sweep)


def test_a_required_file_field_shows_its_error_until_an_upload_is_done(
    media: Path, client: Client
) -> None:
    live, comp = live_form(client)
    live.dispatch("lv-1", "submit", {"title": "Cats", "file": [], "form_round": "0"})
    assert comp.errors["file"] == ["This field is required."] and SharedFile.objects.count() == 0


def test_more_uploads_than_max_files_are_refused(media: Path, client: Client) -> None:
    live, comp = live_form(client)
    url = comp.upload_context("file")["url"]
    ids = [post(client, url, PNG).json()["id"] for _ in range(4)]
    live.dispatch("lv-1", "submit", {"title": "Cats", "file": ids, "form_round": "0"})
    assert comp.errors["file"] == ["Too many files: at most 3 files."]
    assert SharedFile.objects.count() == 0


def test_upload_rules_default_to_every_file_field_of_the_form() -> None:
    class Derived(LiveUploadForm):
        form_class = SharedFileFormComponent.form_class

    assert Derived.upload_rules() == {"file": Upload()}


# -- without JavaScript ---------------------------------------------------------------------------


def test_the_plain_post_stores_the_file(media: Path, client: Client) -> None:
    upload = io.BytesIO(PNG)
    upload.name = "../cat.png"
    csrf = client.cookies["csrftoken"].value
    response = client.post("/files/", {"title": "Cat", "file": upload, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert [f.file.name for f in SharedFile.objects.all()] == ["shared/cat.png"]


def test_the_plain_post_refuses_a_wrong_type_keeps_the_title_and_stores_nothing(
    media: Path, client: Client
) -> None:
    upload = io.BytesIO(b"MZ\x90\x00binary")
    upload.name = "cat.png"
    csrf = client.cookies["csrftoken"].value
    response = client.post("/files/", {"title": "Cat", "file": upload, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 400
    assert b"This type of file is not accepted" in response.content
    assert SharedFile.objects.count() == 0 and stored(media) == []


def test_the_plain_post_refuses_a_body_over_every_limit_before_reading_it(
    media: Path, client: Client
) -> None:
    upload = io.BytesIO(PNG + b"\x00" * (8 * 1024 * 1024))
    upload.name = "cat.png"
    csrf = client.cookies["csrftoken"].value
    response = client.post("/files/", {"title": "Cat", "file": upload, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 413 and stored(media) == []


# -- abandoned uploads ---------------------------------------------------------------------------


def test_the_sweep_deletes_abandoned_uploads_only(media: Path, client: Client) -> None:
    url = url_for(client)
    post(client, url, PNG)
    post(client, url, PNG)
    old, fresh = temp_files(media)
    an_hour_ago = time.time() - 3601
    os.utime(media / TEMP_DIR / old, (an_hour_ago, an_hour_ago))
    assert sweep() == [f"{TEMP_DIR}/{old}"]
    assert temp_files(media) == [fresh]


def test_the_sweepuploads_command(media: Path, client: Client) -> None:
    post(client, url_for(client), PNG)
    out = io.StringIO()
    call_command("sweepuploads", "--older-than", "-1", stdout=out)
    assert out.getvalue() == "1 abandoned upload(s) deleted.\n" and temp_files(media) == []


def test_a_re_render_within_the_urls_window_sends_nothing(
    media: Path, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The upload URL is part of the HTML: were it new at every render, every event would send
    # the whole form again. Within a quarter of its lifetime it is the same URL.
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    live, comp = live_form(client)
    clock[0] += 5
    assert live.dispatch("lv-1", "validate", {"form_round": "0"}) is None
    clock[0] += 3600 // 4
    frame = live.dispatch("lv-1", "validate", {"form_round": "0"})
    assert frame is not None and comp.upload_context("file")["url"] in frame


def test_the_file_input_validates_the_form_when_an_upload_ends(media: Path, client: Client) -> None:
    live, comp = live_form(client)
    html = live.render(comp, oob=True)
    file_input = html[html.index('<input type="file"') :].split(">", 1)[0]
    assert 'hx-trigger="lv-uploaded"' in file_input
    assert "&quot;event&quot;:&quot;validate&quot;" in file_input


def test_html_accepted_as_text_is_stored_as_text(media: Path, client: Client) -> None:
    response = post(client, url_for(client), b"<html><script>alert(1)</script>", "page.html")
    assert response.status_code == 201
    assert response.json()["name"] == "page.txt" and response.json()["type"] == "text/plain"
