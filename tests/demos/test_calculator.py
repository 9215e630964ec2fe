"""The calculator demo through liveview.testing: the result follows the expression typed."""

from __future__ import annotations

import pytest

from liveview.testing import LiveClient

pytestmark = pytest.mark.django_db(transaction=True)


async def test_typing_an_expression_shows_its_result(live_client: LiveClient) -> None:
    page = await live_client.open("/calculator/")
    await page.type("Expression", "6 * 7")
    assert page.text("output.result") == "42"
    assert page.value("Expression") == "6 * 7"


async def test_a_huge_or_broken_expression_is_invalid(live_client: LiveClient) -> None:
    page = await live_client.open("/calculator/")
    await page.type("Expression", "9**9**9")
    assert page.text("output.result") == "Invalid expression"
    await page.type("Expression", "1 +")
    assert page.text("output.result") == "Invalid expression"
