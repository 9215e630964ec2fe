"""The alerts demo (issue 16's "Done means") through liveview.testing: create with live
validation, a list every page sees, the detail modal at /alerts/<id>/ (url_state), delete with a
confirmation, a flash for the actor and a toast for everyone else, who else is viewing."""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient
from liveview.testing.page import LivePage
from project.alerts.models import Alert

pytestmark = pytest.mark.django_db(transaction=True)


async def frames_until(page: LivePage, selector: str, text: str | None = None) -> None:
    """Take the page's frames (broadcasts, presence) until `selector` (with `text`) shows."""
    while not page.has(selector, text):
        await page.next_frame()


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
