"""The alerts demo without JavaScript: the modal's URL renders it open, the create form posts
with its attachment, and delete asks on a page of its own before it deletes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from project.alerts.models import Alert

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_the_detail_url_renders_the_modal_open(client: Client) -> None:
    alert = Alert.objects.create(title="Disk full", severity="critical")
    html = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'role="dialog"' in html and "Disk full</h2>" in html
    assert 'role="dialog"' not in client.get("/alerts/").content.decode()


def test_a_missing_alert_is_a_404(client: Client) -> None:
    assert client.get("/alerts/999999/").status_code == 404


def test_create_posts_the_form_with_its_attachment(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    html = client.get("/alerts/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    # The live upload's own input, with no upload URL before the page is live: the form
    # posts the file itself.
    assert 'name="attachment" accept="image/png,image/jpeg,application/pdf"' in html
    assert 'data-lv-upload=""' in html
    assert "<noscript>" not in html
    upload = SimpleUploadedFile("../disk chart.png", PNG, content_type="image/png")
    data = {"title": "Disk full", "description": "", "severity": "warning", "attachment": upload}
    response = client.post("/alerts/new/", data, follow=True)
    assert response.redirect_chain == [("/alerts/", 302)]
    alert = Alert.objects.get(title="Disk full")
    assert alert.severity == "warning"
    assert alert.attachment.name == "alerts/disk_chart.png"  # the same safe name as live
    with alert.attachment.open("rb") as stored:
        assert stored.read() == PNG
    assert "Alert “Disk full” created." in response.content.decode()  # Django's messages
    details = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert '<a href="/media/alerts/disk_chart.png">disk_chart.png</a>' in details


def test_a_posted_attachment_the_rules_refuse_is_an_error_and_nothing_is_stored(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("log.txt", b"disk at 98%", content_type="image/png")
    data = {"title": "Disk full", "description": "", "severity": "warning", "attachment": upload}
    response = client.post("/alerts/new/", data)
    assert response.status_code == 400
    assert (
        "This type of file is not accepted (image/png, image/jpeg, application/pdf only)."
        in response.content.decode()
    )
    assert not Alert.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_post_shows_the_errors_and_saves_nothing(client: Client) -> None:
    response = client.post("/alerts/new/", {"title": "x", "severity": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the alert a title of at least 3 characters." in html
    assert "Select a valid choice." in html
    assert not Alert.objects.exists()


def test_delete_asks_on_a_page_then_deletes(client: Client) -> None:
    alert = Alert.objects.create(title="Disk full")
    html = client.get("/alerts/").content.decode()
    assert f'action="/alerts/{alert.pk}/delete/"' in html
    response = client.post(f"/alerts/{alert.pk}/delete/")  # the list's Delete button
    assert response.status_code == 200
    assert "Delete this alert?" in response.content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists()  # asked, not deleted
    response = client.post(f"/alerts/{alert.pk}/delete/", {"confirmed": "yes"}, follow=True)
    assert response.redirect_chain == [("/alerts/", 302)]
    assert not Alert.objects.filter(pk=alert.pk).exists()
    assert "Alert “Disk full” deleted." in response.content.decode()


def test_delete_is_post_only(client: Client) -> None:
    alert = Alert.objects.create(title="Disk full")
    assert client.get(f"/alerts/{alert.pk}/delete/").status_code == 405
    assert Alert.objects.filter(pk=alert.pk).exists()
