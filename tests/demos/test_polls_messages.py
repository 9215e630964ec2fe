"""The polls demo's vote: a flash that dismisses itself, and a message from the vote form to
the results next to it (issue 16, items 3 and 4)."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from liveview.testing import LiveClient
from project.polls.models import Choice, Poll

pytestmark = pytest.mark.django_db(transaction=True)


async def new_poll() -> Poll:
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.abulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
    return poll


async def test_a_vote_marks_the_voters_row_in_the_results(live_client: LiveClient) -> None:
    poll = await new_poll()
    voter = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        watcher = await other.open(f"/polls/{poll.pk}/")
        await voter.click(text="Salad")
        # One frame: the vote form, the results (its change and its notice), the flash.
        assert voter.text(".results tr.mine th") == "Salad (your vote)"
        await watcher.next_frame()
        assert watcher.text(".total-votes") == "1"
        assert not watcher.has(".results tr.mine")  # the mark is the voter's own
        assert not watcher.has(".lv-message")


@pytest.mark.parametrize("htmx", [4, 2])
async def test_a_vote_flashes_and_the_flash_dismisses_itself(
    live_client: LiveClient, settings: Settings, htmx: int
) -> None:
    settings.LIVEVIEW_HTMX_VERSION = htmx
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    frames = len(page.frames)
    await page.click(text="Pizza")
    assert page.text(".lv-message.success") == "Vote counted: Pizza. ×"
    assert len(page.frames) == frames + 1  # in the vote's own frame
    assert await page.run_timers() == 1  # its dismissal, as if the five seconds had passed
    assert not page.has(".lv-message")
    assert page.text(".results tr.mine th") == "Pizza (your vote)"  # the rest stays


async def test_the_dismissal_comes_by_itself_when_its_time_comes(
    live_client: LiveClient, settings: Settings
) -> None:
    settings.LIVEVIEW_FLASH_SECONDS = 0.01
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    await page.click(text="Pizza")
    if page.has(".lv-message"):  # its timer may already have run on a slow machine
        await page.next_frame()
    assert not page.has(".lv-message")
    assert "lv-message " not in page.frames[-1]  # the last frame is the dismissal


async def test_the_dismiss_button_removes_a_message(live_client: LiveClient) -> None:
    poll = await new_poll()
    page = await live_client.open(f"/polls/{poll.pk}/")
    await page.click(text="Pizza")
    await page.click(".lv-message button")
    assert not page.has(".lv-message")


async def test_a_vote_without_javascript_shows_the_flash_on_the_next_page(
    live_client: LiveClient,
) -> None:
    poll = await new_poll()
    salad = await Choice.objects.aget(poll=poll, text="Salad")
    page = await live_client.open(f"/polls/{poll.pk}/")
    csrf = live_client.http.cookies["csrftoken"].value
    response = await live_client.http.post(
        f"/polls/{poll.pk}/vote/", {"choice": salad.pk}, HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 302
    page = await live_client.open(f"/polls/{poll.pk}/")  # the redirect's page, then live
    assert page.text(".lv-message.success") == "Vote counted: Salad. ×"
    assert await page.run_timers() == 1  # its timer, set when the socket mounted the page
    assert not page.has(".lv-message")
    again = await live_client.open(f"/polls/{poll.pk}/")
    assert not again.has(".lv-message")  # shown once
