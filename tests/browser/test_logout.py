"""Logout closes the user's other live pages, in real Chromium, within two seconds."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from tests.browser.support import LIVE, LiveServer, open_live, orm
from tests.support import saved_session

pytestmark = pytest.mark.browser

CLOSED = "body[data-lv-socket=closed]"


def logged_in_session(name: str) -> str:
    return saved_session(User.objects.create_user(name, password="pw", is_staff=True))


def test_logout_in_one_page_closes_the_socket_of_another(
    context: BrowserContext, server: LiveServer, htmx_version: str
) -> None:
    key = orm(server, lambda: logged_in_session(f"leaver{htmx_version}"))
    context.add_cookies([{"name": "sessionid", "value": key, "url": server.base_url}])
    live = context.new_page()
    sockets: list[str] = []
    live.on("websocket", lambda ws: sockets.append(ws.url))
    live.clock.install()  # the page's timers, a reconnect's backoff too, run when told
    open_live(live, "/counter/")
    admin = context.new_page()
    admin.goto("/admin/")
    admin.get_by_role("button", name="Log out").click()
    expect(admin.get_by_role("heading", name="Logged out")).to_be_visible()
    live.wait_for_selector(CLOSED, state="attached", timeout=2_000)
    # Refused for good: the page does not reconnect (its token is bound to the user). Every
    # timer a reconnect could wait on (htmx's backoff: a minute at most) runs now; a socket it
    # opened is reported before run_for returns.
    live.clock.run_for(120_000)
    assert len(sockets) == 1
    assert live.locator(CLOSED).count() == 1
    assert live.locator(LIVE).count() == 0
