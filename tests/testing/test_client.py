"""LiveClient: opening pages as a browser session does, closing them, publishing a change."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User

from liveview.socket.consumer import open_count
from liveview.testing import LiveClient, LiveTestError, publish_change
from project.polls.models import Poll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.testing.urls")]


async def test_open_refuses_a_page_that_is_not_200(live_client: LiveClient) -> None:
    with pytest.raises(LiveTestError, match="answered 302 to '/testing/static/'"):
        await live_client.open("/moved/")


async def test_open_refuses_a_page_with_nothing_live(live_client: LiveClient) -> None:
    with pytest.raises(LiveTestError, match="no live component"):
        await live_client.open("/testing/static/")


async def test_a_logged_in_client_opens_pages_as_its_user(live_client: LiveClient) -> None:
    user = await sync_to_async(User.objects.create_user)("ada", password="pw")
    await live_client.login(user)
    page = await live_client.open("/testing/whoami/")
    assert page.text(".who") == "ada"
    assert page.close_code is None


async def test_two_clients_are_two_sessions(live_client: LiveClient) -> None:
    user = await sync_to_async(User.objects.create_user)("bo", password="pw")
    await live_client.login(user)
    async with LiveClient() as anonymous:
        assert "sessionid" not in anonymous.http.cookies
        assert "sessionid" in live_client.http.cookies


async def test_closing_a_client_closes_its_pages(live_client: LiveClient) -> None:
    before = open_count()
    async with LiveClient() as other:
        await other.open("/testing/clicks/")
        await other.open("/testing/clicks/")
        assert open_count() == before + 2
    assert open_count() == before


async def test_publish_change_reaches_pages_after_a_write_that_bypassed_save(
    live_client: LiveClient,
) -> None:
    poll = await Poll.objects.acreate(question="Before?")
    page = await live_client.open(f"/testing/question/?pk={poll.pk}")
    await Poll.objects.filter(pk=poll.pk).aupdate(question="After?")  # publishes nothing
    change = await publish_change(poll)
    await page.next_frame()
    assert page.text(".question") == "After?"
    assert (change.method, change.uri, change.etag) == ("PUT", f"/polls/{poll.pk}", poll.etag)
