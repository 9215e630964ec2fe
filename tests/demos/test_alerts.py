"""The alerts demo (issue 16's "Done means") through liveview.testing: create with live
validation, a list every page sees, the detail modal at /alerts/<id>/ (url_state), delete with a
confirmation, a flash for the actor and a toast for everyone else, who else is viewing, and
the attachment uploaded live (over HTTP, with the page's signed URL) and linked in the modal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from liveview.batteries.uploads import TEMP_DIR
from liveview.testing import LiveClient
from liveview.testing.page import LivePage
from project.alerts.models import Alert

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(64)


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


async def frames_until(page: LivePage, selector: str, text: str | None = None) -> None:
    """Take the page's frames (broadcasts, presence) until `selector` (with `text`) shows."""
    while not page.has(selector, text):
        await page.next_frame()


async def upload(client: LiveClient, page: LivePage, name: str, content: bytes) -> dict[str, str]:
    """What uploads.js does with a chosen file: POST it to the form's signed upload URL, with
    the page's own cookies and CSRF token; the server's answer (its id, or an error)."""
    found = re.search(r'data-lv-upload="([^"]+)"', page.html(".alert-form input[type=file]"))
    assert found is not None, "the live form has no upload URL"
    file = io.BytesIO(content)
    file.name = name
    csrf = client.http.cookies["csrftoken"].value
    response = await client.http.post(found.group(1), {"file": file}, headers={"X-CSRFToken": csrf})
    answer: dict[str, str] = response.json()
    return answer


async def test_the_form_validates_as_the_user_types(live_client: LiveClient) -> None:
    page = await live_client.open("/alerts/")
    assert page.has("button[disabled]", "Create alert")
    await page.type("Title", "ab")
    assert page.text(".field-error") == "Give the alert a title of at least 3 characters."
    await page.type("Title", "Disk full")
    assert not page.has(".field-error")
    assert not page.has("button[disabled]", "Create alert")


async def test_creating_shows_the_alert_in_every_page_a_flash_to_the_actor_a_toast_to_others(
    live_client: LiveClient,
) -> None:
    actor = await live_client.open("/alerts/")
    async with LiveClient() as other:
        watcher = await other.open("/alerts/")
        await actor.type("Title", "Disk full")
        await actor.fill("Severity", "critical")
        await actor.submit(".alert-form")
        assert actor.has(".alerts .alert.mine .title", "Disk full")  # told by the form
        assert actor.text(".lv-message.success") == "Alert “Disk full” created. ×"
        assert not actor.has(".toast")
        assert actor.value("Title") == ""  # the form starts again
        await frames_until(watcher, ".alerts .title", "Disk full")
        await frames_until(watcher, ".toast", "Someone created “Disk full”.")
        assert not watcher.has(".lv-message")
        assert not watcher.has(".alert.mine")
        assert await watcher.run_timers() >= 1  # the toast goes away on its own
        assert not watcher.has(".toast")


async def test_details_open_at_their_own_url_and_back_closes_them(
    live_client: LiveClient,
) -> None:
    alert = await Alert.objects.acreate(title="Disk full", description="Only 2% left")
    page = await live_client.open("/alerts/")
    assert not page.has("[role=dialog]")
    await page.click(text="Details")
    assert page.text("[role=dialog] h2") == "Disk full"
    assert page.location == f"/alerts/{alert.pk}/"
    await page.back()
    assert not page.has("[role=dialog]")
    assert page.location == "/alerts/"
    await page.forward()
    assert page.text("[role=dialog] .description") == "Only 2% left"
    await page.click(text="Close")
    assert not page.has("[role=dialog]") and page.location == "/alerts/"
    assert page.history == ["/alerts/", f"/alerts/{alert.pk}/", "/alerts/"]


async def test_opening_the_detail_url_directly_renders_the_modal_open(
    live_client: LiveClient,
) -> None:
    alert = await Alert.objects.acreate(title="Fan noise", severity="warning")
    page = await live_client.open(f"/alerts/{alert.pk}/")
    assert page.text("[role=dialog] h2") == "Fan noise"
    await page.reconnect()  # a reconnect reads the address again: still open
    assert page.text("[role=dialog] h2") == "Fan noise"


async def test_a_bad_open_value_in_the_query_is_ignored_with_a_notice(
    live_client: LiveClient,
) -> None:
    page = await live_client.open("/alerts/?open=drop")
    assert not page.has("[role=dialog]")
    assert any("Ignored what the address says for open:" in e for e in page.errors)


async def test_delete_asks_first_and_cancel_keeps_the_alert(live_client: LiveClient) -> None:
    alert = await Alert.objects.acreate(title="Disk full")
    page = await live_client.open(f"/alerts/{alert.pk}/")
    await page.click(".alert button[type=submit]:-soup-contains('Delete')", confirm=False)
    assert await Alert.objects.filter(pk=alert.pk).aexists()
    await page.click("[role=dialog] button:-soup-contains('Delete')", confirm=True)
    assert not await Alert.objects.filter(pk=alert.pk).aexists()
    assert page.text(".lv-message.success") == "Alert “Disk full” deleted. ×"
    assert not page.has("[role=dialog]")  # it was open: closed, and the address says so
    assert page.location == "/alerts/"
    assert page.has(".empty", "No alerts yet.")


async def test_who_else_is_viewing_shows_in_the_header(live_client: LiveClient) -> None:
    first = await live_client.open("/alerts/")
    assert first.text(".viewers") == "1 person viewing"
    async with LiveClient() as other:
        second = await other.open("/alerts/")
        assert second.text(".viewers") == "2 people viewing"
        await frames_until(first, ".viewers", "2 people viewing")


async def test_an_uploaded_attachment_is_stored_with_the_alert_and_shown_in_its_details(
    each_build_client: LiveClient, media: Path
) -> None:
    page = await each_build_client.open("/alerts/")
    assert page.has(".alert-form label[for$=-attachment]", "Attachment")
    entry = await upload(each_build_client, page, "../disk chart.png", PNG)
    assert entry["name"] == "disk_chart.png" and entry["type"] == "image/png"
    # The finished upload fires `lv-uploaded` on the input: the form validates with it.
    await page.send("validate", component="alert_form", attachment=[entry["id"]])
    await page.type("Title", "Disk full")
    await page.send(  # the submit, as uploads.js sends it: the upload's id under the field
        "submit",
        component="alert_form",
        title="Disk full",
        description="",
        severity="critical",
        attachment=[entry["id"]],
        form_round=0,
    )
    assert page.text(".lv-message.success") == "Alert “Disk full” created. ×"
    alert = await Alert.objects.aget(title="Disk full")
    assert alert.attachment.name == "alerts/disk_chart.png"
    assert (media / "alerts" / "disk_chart.png").read_bytes() == PNG
    assert list((media / TEMP_DIR).iterdir()) == []  # the temporary copy is gone
    await page.click(f"#alert-{alert.pk} button:-soup-contains('Details')")
    link = page.html("[role=dialog] .attachment a")
    assert 'href="/media/alerts/disk_chart.png"' in link and "disk_chart.png</a>" in link
    assert page.has('[role=dialog] .attachment img[src="/media/alerts/disk_chart.png"]')


async def test_a_pdf_attachment_is_linked_without_a_preview(
    live_client: LiveClient, media: Path
) -> None:
    page = await live_client.open("/alerts/")
    entry = await upload(live_client, page, "report.pdf", PDF)
    await page.send(
        "submit",
        component="alert_form",
        title="Quarterly report",
        description="",
        severity="info",
        attachment=[entry["id"]],
        form_round=0,
    )
    alert = await Alert.objects.aget(title="Quarterly report")
    await page.click(f"#alert-{alert.pk} button:-soup-contains('Details')")
    assert page.has('[role=dialog] .attachment a[href="/media/alerts/report.pdf"]', "report.pdf")
    assert not page.has("[role=dialog] .attachment img")


async def test_an_attachment_the_rules_refuse_is_never_stored(
    live_client: LiveClient, media: Path
) -> None:
    page = await live_client.open("/alerts/")
    assert await upload(live_client, page, "notes.txt", b"disk at 98%") == {
        "error": "This type of file is not accepted (image/png, image/jpeg, application/pdf only)."
    }
    big = PNG + bytes(5 * 1024 * 1024)
    assert await upload(live_client, page, "huge.png", big) == {
        "error": "The file is too large: at most 5 MB."
    }
    assert not (media / TEMP_DIR).exists() or list((media / TEMP_DIR).iterdir()) == []
    assert not (media / "alerts").exists()
