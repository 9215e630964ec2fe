"""The poll editor's Delete (confirmed first, live or through a confirmation page without
JavaScript) and Discard changes (a button inside the form that sends none of its fields)."""

from __future__ import annotations

import pytest
from django.test import Client

from liveview.testing import LiveClient
from project.polls.models import Poll

pytestmark = pytest.mark.django_db(transaction=True)


async def test_delete_asks_first_and_cancel_keeps_the_poll(live_client: LiveClient) -> None:
    poll = await Poll.objects.acreate(question="Keep me?")
    page = await live_client.open(f"/polls/{poll.pk}/")
    assert 'hx-confirm="Delete this poll and its votes?"' in page.html("[data-lv=poll_editor]")
    await page.click(text="Delete poll", confirm=False)
    assert await Poll.objects.filter(pk=poll.pk).aexists()
    assert page.redirect is None


async def test_a_confirmed_delete_deletes_and_leaves_for_the_list(
    live_client: LiveClient,
) -> None:
    poll = await Poll.objects.acreate(question="Delete me?")
    page = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        listing = await other.open("/polls/")
        assert listing.has("li", text="Delete me?")
        await page.click(text="Delete poll", confirm=True)
        await listing.next_frame()
    assert page.errors == [] and page.redirect == "/polls/"
    assert not await Poll.objects.filter(pk=poll.pk).aexists()
    assert not listing.has("li", text="Delete me?")


async def test_discard_changes_inside_the_form_sends_none_of_its_fields(
    live_client: LiveClient,
) -> None:
    poll = await Poll.objects.acreate(question="Original?")
    page = await live_client.open(f"/polls/{poll.pk}/")
    await page.type("Question", "Typo?")
    assert page.has("[role=status]", text="Unsaved changes")
    await page.click(text="Discard changes")
    assert page.errors == [] and page.value("Question") == "Original?"
    assert not page.has("[role=status]", text="Unsaved changes")


def test_without_javascript_delete_goes_to_a_confirmation_page() -> None:
    poll = Poll.objects.create(question="No JS?")
    client = Client()
    response = client.post(f"/polls/{poll.pk}/edit/", {"action": "delete", "etag": poll.etag})
    html = response.content.decode()
    assert response.status_code == 200 and "Delete this poll and its votes?" in html
    assert f'action="/polls/{poll.pk}/delete/"' in html
    assert Poll.objects.filter(pk=poll.pk).exists()  # asked, not done
    response = client.post(f"/polls/{poll.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/polls/"
    assert not Poll.objects.filter(pk=poll.pk).exists()


def test_the_confirmation_page_only_deletes_on_a_post() -> None:
    poll = Poll.objects.create(question="GET?")
    assert Client().get(f"/polls/{poll.pk}/delete/").status_code == 405
    assert Poll.objects.filter(pk=poll.pk).exists()
