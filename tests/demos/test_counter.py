"""The counter demo through liveview.testing: two counters, each with its own state."""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "[aria-label='First counter']"
SECOND = "[aria-label='Second counter']"


async def test_each_counter_counts_on_its_own(live_client: LiveClient) -> None:
    page = await live_client.open("/counter/")
    assert (page.text(f"{FIRST} output"), page.text(f"{SECOND} output")) == ("0", "10")
    await page.click(f"{SECOND} button", text="Decrement")
    await page.click(f"{FIRST} button", text="Increment")
    await page.click(f"{FIRST} button", text="Increment")
    assert (page.text(f"{FIRST} output"), page.text(f"{SECOND} output")) == ("2", "9")


async def test_two_tabs_of_the_counter_do_not_share_state(live_client: LiveClient) -> None:
    first = await live_client.open("/counter/")
    second = await live_client.open("/counter/")
    await first.click(f"{FIRST} button", text="Increment")
    assert first.text(f"{FIRST} output") == "1"
    assert second.text(f"{FIRST} output") == "0"
