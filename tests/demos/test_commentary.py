"""The commentary demo through liveview.testing: a comment reaches every page of its event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liveview.testing import LiveClient
from project.commentary.models import Comment, Event

pytestmark = pytest.mark.django_db(transaction=True)


async def new_event(title: str = "Final") -> Event:
    return await Event.objects.acreate(title=title, starts=datetime(2026, 7, 1, tzinfo=UTC))


async def test_a_posted_comment_clears_the_box_and_keeps_the_name(live_client: LiveClient) -> None:
    event = await new_event()
    page = await live_client.open(f"/events/{event.pk}/")
    await page.type("Name", "Ann")
    await page.type("Comment", "Kick-off!")
    await page.click(text="Post")
    assert page.text(".feed .comment .body") == "Kick-off!"
    assert page.value("Name") == "Ann"
    assert page.value("Comment") == ""


async def test_a_blank_comment_shows_the_error_and_posts_nothing(live_client: LiveClient) -> None:
    event = await new_event("Quiet")
    page = await live_client.open(f"/events/{event.pk}/")
    # Spaces pass the browser's `required` check; the server's form strips them.
    await page.submit("form.comment-form", name="Ann", body="   ")
    assert "required" in page.text(".field-error")
    assert await Comment.objects.filter(event=event).acount() == 0


async def test_the_events_list_shows_a_new_event_live(live_client: LiveClient) -> None:
    listing = await live_client.open("/events/")
    event = await new_event("Semi-final")
    await listing.next_frame()
    assert listing.has(f'a[href="/events/{event.pk}/"]', text="Semi-final")
