"""The polls demo through liveview.testing: live totals, the conflict's choices, a REST write.

Browser-only behaviour (the typed text surviving a morph, votes in real Chromium) stays in
tests/browser/test_polls.py.
"""

from __future__ import annotations

import base64
import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission, User
from pytest_django.fixtures import Settings

from liveview.testing import LiveClient
from project.polls.models import Choice, Poll

pytestmark = pytest.mark.django_db(transaction=True)


async def new_poll(question: str = "Lunch?") -> Poll:
    poll = await Poll.objects.acreate(question=question)
    await Choice.objects.abulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
    return poll


async def test_a_vote_shows_in_every_client(live_client: LiveClient) -> None:
    poll = await new_poll()
    voter = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        watcher = await other.open(f"/polls/{poll.pk}/")
        await voter.click(text="Salad")
        assert voter.text(".voted") == "You voted for Salad."
        await watcher.next_frame()
    assert watcher.text(".total-votes") == "1"
    assert not watcher.has(".voted")  # the vote form is the voter's own


async def test_the_list_shows_totals_live(live_client: LiveClient) -> None:
    poll = await new_poll("Coffee or tea?")
    listing = await live_client.open("/polls/")
    total = f'.total[data-poll="{poll.pk}"]'
    assert listing.text(total) == "0 votes"
    async with LiveClient() as other:
        detail = await other.open(f"/polls/{poll.pk}/")
        await detail.click(text="Salad")
        await listing.next_frame()
    assert listing.text(total) == "1 vote"


async def test_reload_takes_theirs(live_client: LiveClient) -> None:
    poll = await new_poll("Original?")
    mine = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        theirs = await other.open(f"/polls/{poll.pk}/")
        await mine.type("Question", "Mine?")
        assert mine.has("[role=status]", text="Unsaved changes")
        await theirs.fill("Question", "Theirs?")
        await theirs.click(text="Save")
        await mine.next_frame()
    await mine.click(text="Reload theirs")
    assert mine.value("Question") == "Theirs?"
    assert not mine.has(".conflict")
    assert (await Poll.objects.aget(pk=poll.pk)).question == "Theirs?"


async def test_a_save_over_a_conflict_is_refused_until_resolved(live_client: LiveClient) -> None:
    poll = await new_poll("Original?")
    mine = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        theirs = await other.open(f"/polls/{poll.pk}/")
        await mine.type("Question", "Mine?")
        await theirs.submit("form.editor", question="Theirs?")
        await mine.next_frame()
    await mine.click(text="Save")
    assert mine.text(".form-error") == "Someone else changed this: reload it or overwrite it."
    assert (await Poll.objects.aget(pk=poll.pk)).question == "Theirs?"


@sync_to_async
def editor(name: str) -> None:
    user = User.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="change_poll"))


async def test_an_http_put_changes_every_open_page(
    live_client: LiveClient, settings: Settings
) -> None:
    """A `curl -u editor:pw -X PUT -H 'If-Match: …' /api/polls/<id>` reaches both pages."""
    settings.LIVEVIEW_REST_BASIC_AUTH = True  # what LIVEVIEW_REST_BASIC_AUTH=1 make run sets
    poll = await new_poll("Before the PUT?")
    await editor("editor")
    detail = await live_client.open(f"/polls/{poll.pk}/")
    listing = await live_client.open("/polls/")
    api = live_client.http
    etag = (await api.get(f"/api/polls/{poll.pk}"))["ETag"]
    response = await api.put(
        f"/api/polls/{poll.pk}",
        json.dumps({"question": "After the PUT?"}),
        content_type="application/json",
        headers={
            "If-Match": etag,
            "Authorization": "Basic " + base64.b64encode(b"editor:pw").decode(),
        },
    )
    assert response.status_code == 200
    await detail.next_frame()
    await listing.next_frame()
    assert detail.text(".question") == "After the PUT?"
    assert detail.value("Question") == "After the PUT?"
    assert listing.has("a", text="After the PUT?")


async def test_the_list_is_a_stream_a_vote_sends_that_polls_row_only(
    live_client: LiveClient,
) -> None:
    first, second = await new_poll("First?"), await new_poll("Second?")
    listing = await live_client.open("/polls/")
    async with LiveClient() as other:
        detail = await other.open(f"/polls/{second.pk}/")
        await detail.click(text="Salad")
        frame = await listing.next_frame()
    assert "Second?" in frame and "First?" not in frame
    assert listing.text(f'.total[data-poll="{second.pk}"]') == "1 vote"
    third = await new_poll("Third?")
    frame = await listing.next_frame()
    assert "Third?" in frame and "Second?" not in frame
    questions = [a.get_text() for a in listing._doc.select(".polls > li > a")]
    assert questions[-3:] == ["First?", "Second?", "Third?"]
    await third.adelete()
    await listing.next_frame()
    assert not listing.has(f'.total[data-poll="{third.pk}"]')
    assert listing.has(f'.total[data-poll="{first.pk}"]')
