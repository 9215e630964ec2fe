"""Actions made while the page's socket is down: never lost silently, never applied twice.

Under every htmx build the glue refuses an action made while the socket is not live (htmx 2
and 4.0.x would queue it and replay it after the reconnect, 4.0.0-beta6 would drop it): the
component says so at once, and still says so after the reconnect's full render. Were a
replay sent all the same, it carries the old connection's epoch and the server refuses it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from liveview.socket.consumer import STALE, close_all
from liveview.socket.protocol import CloseCode
from liveview.testing.playwright import expect_idle, expect_offline
from project.polls.models import Choice
from tests.browser.support import LiveServer, count_of, counter, open_live, orm
from tests.browser.test_polls import new_poll

pytestmark = pytest.mark.browser


def test_clicks_made_while_the_socket_is_down_are_refused_visibly_not_replayed(
    context: BrowserContext, page: Page, server: LiveServer, htmx_version: str
) -> None:
    open_live(page, "/counter/")
    first = counter(page, "First counter")
    component = page.locator("[data-lv]", has=first)
    increment = first.get_by_role("button", name="Increment")
    increment.click()
    expect(count_of(first)).to_have_text("1")

    # The network goes away (no reconnect can succeed) and the server drops the socket.
    context.set_offline(True)
    server.call(lambda: close_all(code=CloseCode.RESYNC))
    expect_offline(page)
    for _ in range(3):
        increment.click()
    notice = component.locator(":scope > .lv-error")
    expect(notice).to_have_text(STALE)  # at once, while the socket is still down
    expect(notice).to_have_count(1)

    context.set_offline(False)
    expect_idle(page)
    # The reconnect renders from the token (the counter starts again at 0) and the notice
    # stays: the user knows those clicks were not applied.
    expect(count_of(first)).to_have_text("0")
    expect(notice).to_have_text(STALE)
    # A click on the new render counts, once: none of the three was replayed before it.
    increment.click()
    expect(count_of(first)).to_have_text("1")
    expect(notice).to_have_count(0)


def test_a_vote_made_while_the_socket_is_down_is_refused_visibly_then_counts_once(
    context: BrowserContext, page: Page, server: LiveServer, htmx_version: str
) -> None:
    pk = new_poll(server, f"Offline {htmx_version}?")
    open_live(page, f"/polls/{pk}/")
    pizza = page.get_by_role("button", name="Pizza")
    context.set_offline(True)
    server.call(lambda: close_all(code=CloseCode.RESYNC))
    expect_offline(page)
    pizza.click()
    voting = page.locator("[data-lv]", has=pizza)
    expect(voting.locator(":scope > .lv-error")).to_have_text(STALE)

    context.set_offline(False)
    expect_idle(page)
    expect(page.locator(".total-votes")).to_have_text("0")
    pizza.click()
    expect(page.locator(".total-votes")).to_have_text("1")
    counted = orm(
        server, lambda: sum(Choice.objects.filter(poll_id=pk).values_list("votes", flat=True))
    )
    assert counted == 1
