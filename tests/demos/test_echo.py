"""The echo demo through liveview.testing: messages come back as text, into a fresh box."""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient, LiveTestError

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_message_comes_back_escaped(live_client: LiveClient) -> None:
    page = await live_client.open("/echo/")
    await page.fill("Message", "<b>hi</b>")
    await page.click(text="Send")
    assert page.text(".echoes li") == "<b>hi</b>"
    assert not page.has(".echoes b")
    assert page.value("Message") == ""


async def test_an_empty_message_is_stopped_by_the_browser(live_client: LiveClient) -> None:
    page = await live_client.open("/echo/")
    with pytest.raises(LiveTestError, match="would not submit .*message required"):
        await page.click(text="Send")
    assert len(page.frames) == 1
