"""The staff inspector in real Chromium: it updates live when another page connects."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect

from tests.browser.support import LiveServer, open_live, orm
from tests.support import saved_session

pytestmark = pytest.mark.browser


def staff_session(name: str) -> str:
    return saved_session(User.objects.create_user(name, is_staff=True))


def test_the_inspector_shows_another_page_connecting(
    context: BrowserContext, server: LiveServer, htmx_version: str
) -> None:
    key = orm(server, lambda: staff_session(f"inspector{htmx_version}"))
    context.add_cookies([{"name": "sessionid", "value": key, "url": server.base_url}])
    inspector = context.new_page()
    open_live(inspector, "/liveview/")
    opened = inspector.locator("[data-metric=connections_opened]")
    before = int(opened.inner_text())  # its own socket included
    other = context.new_page()
    open_live(other, "/counter/")
    expect(opened).to_have_text(str(before + 1))
    expect(inspector.locator("tr[data-component=Counter]")).to_be_visible()
