"""Uploads on a live page, through liveview.testing: the page's socket renders the signed URL,
the file goes over HTTP with the same browser's cookies, and the form's submit (each htmx
build's frame) stores it through the storage."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from liveview.batteries.uploads import TEMP_DIR
from liveview.core.dialect import HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME, FrameShape
from liveview.testing import LiveClient
from project.files.models import SharedFile

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture(
    params=[HTMX2_FRAME, HTMX4_BETA_FRAME, HTMX4_FRAME], ids=["htmx2", "htmx4beta", "htmx4"]
)
async def live_client(
    request: pytest.FixtureRequest, settings: Settings
) -> AsyncIterator[LiveClient]:
    frame: FrameShape = request.param
    settings.LIVEVIEW_HTMX_VERSION = 2 if frame is HTMX2_FRAME else 4
    async with LiveClient(frame=frame) as client:
        yield client


def upload_url(html: str) -> str:
    found = re.search(r'data-lv-upload="([^"]*)"', html)
    assert found is not None
    return found.group(1)


async def test_the_first_render_has_no_upload_url_and_the_live_one_has(
    live_client: LiveClient, media: Path
) -> None:
    first = await live_client.http.get("/files/")
    assert 'data-lv-upload=""' in first.content.decode()
    assert b"liveview/uploads.js" in first.content  # the glue, on pages with an upload form
    page = await live_client.open("/files/")
    assert upload_url(page.html("input[type=file]")).startswith("/liveview/upload/")


async def test_a_file_uploaded_over_http_is_stored_by_the_live_submit(
    live_client: LiveClient, media: Path
) -> None:
    page = await live_client.open("/files/")
    url = upload_url(page.html("input[type=file]"))
    upload = io.BytesIO(PNG)
    upload.name = "cat.png"
    csrf = live_client.http.cookies["csrftoken"].value
    response = await live_client.http.post(url, {"file": upload}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201
    entry = response.json()["id"]

    await page.send("submit", title="A cat", file=[entry], form_round=0)
    assert page.has(".shared-files a", "A cat")
    stored = [f.file.name async for f in SharedFile.objects.all()]
    assert stored == ["shared/cat.png"]
    assert (media / "shared" / "cat.png").read_bytes() == PNG
    assert not list((media / TEMP_DIR).iterdir())
