"""The commentary demo through liveview.testing: a comment reaches every page of its event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liveview.testing import LiveClient, LivePage
from project.commentary.components.commentary import FEED_LENGTH
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


# -- the feed is a stream (docs/streams.md) ------------------------------------------------------


def bodies(page: LivePage) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page._doc.select(".feed > li .body")]


async def comments(event: Event, *texts: str) -> None:
    await Comment.objects.abulk_create([Comment(event=event, name="Bo", body=t) for t in texts])


async def test_a_comment_from_elsewhere_arrives_on_top_alone(live_client: LiveClient) -> None:
    event = await new_event()
    await comments(event, "first", "second")
    page = await live_client.open(f"/events/{event.pk}/")
    assert bodies(page) == ["second", "first"]
    await Comment.objects.acreate(event=event, name="Cy", body="third")
    frame = await page.next_frame()
    assert "third" in frame and "first" not in frame and "second" not in frame
    assert bodies(page) == ["third", "second", "first"]


async def test_the_feed_keeps_its_newest_fifty(live_client: LiveClient) -> None:
    event = await new_event()
    await comments(event, *(f"c{n}" for n in range(FEED_LENGTH)))
    page = await live_client.open(f"/events/{event.pk}/")
    assert len(bodies(page)) == FEED_LENGTH
    await Comment.objects.acreate(event=event, name="Cy", body="newest")
    await page.next_frame()
    shown = bodies(page)
    assert len(shown) == FEED_LENGTH and shown[0] == "newest" and "c0" not in shown


async def test_an_edited_comment_changes_in_place_and_a_deleted_one_goes(
    live_client: LiveClient,
) -> None:
    event = await new_event()
    await comments(event, "first", "second", "third")
    page = await live_client.open(f"/events/{event.pk}/")
    second = await Comment.objects.aget(body="second")
    second.body = "second, edited"
    await second.asave()
    await page.next_frame()
    assert bodies(page) == ["third", "second, edited", "first"]
    await second.adelete()
    await page.next_frame()
    assert bodies(page) == ["third", "first"]


async def test_a_reconnect_renders_the_feed_from_the_database(live_client: LiveClient) -> None:
    event = await new_event()
    await comments(event, "first")
    page = await live_client.open(f"/events/{event.pk}/")
    await page.close()
    await comments(event, "while away")
    await page.reconnect()
    assert bodies(page) == ["while away", "first"]
