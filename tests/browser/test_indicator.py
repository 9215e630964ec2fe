"""The user sees the connection: #lv-status (role status) says when the page is offline or
reconnecting and how many changes are not sent yet; buttons that would send nothing meanwhile
are marked (.lv-offline; their components aria-busy). No JavaScript for the app to write."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import LiveServer, open_live
from tests.browser.test_input_ownership import RECONNECT_MS, behind_proxy
from tests.browser.test_polls import new_poll
from tests.scale.proxy import TcpProxy

pytestmark = pytest.mark.browser


@pytest.fixture
def cuttable(server: LiveServer) -> Iterator[TcpProxy]:
    with behind_proxy(server) as proxy:
        yield proxy


def test_the_indicator_shows_offline_counts_unsent_changes_and_marks_buttons(
    page: Page,
    server: LiveServer,
    htmx_version: str,
    cuttable: TcpProxy,  # noqa: F811
) -> None:
    pk = new_poll(server)
    open_live(page, f"{cuttable.base_url}/polls/{pk}/")
    indicator = page.locator("#lv-status")
    save = page.get_by_role("button", name="Save")
    expect(indicator).to_be_hidden()
    expect(indicator).to_have_attribute("role", "status")

    cuttable.cut()
    offline = page.get_by_role("status").filter(has_text="Offline")
    expect(offline).to_be_visible()
    expect(page.locator("[data-lv]", has=save)).to_have_attribute("aria-busy", "true")
    expect(save).to_have_class(re.compile(r"\blv-offline\b"))
    page.locator("form.editor input[name=question]").fill("Typed offline")
    expect(offline).to_contain_text("1 change not sent yet")
    # A vote while offline would send nothing: refused, and counted.
    page.get_by_role("button", name="Pizza").click()
    expect(offline).to_contain_text("2 changes not sent yet")

    cuttable.restore()
    expect(indicator).to_be_hidden(timeout=RECONNECT_MS)
    expect(page.locator("[data-lv]", has=save)).not_to_have_attribute("aria-busy", "true")
    expect(save).not_to_have_class(re.compile(r"\blv-offline\b"))
    # The typed text went to the server once the page was live again.
    expect(page.locator("form.editor input[name=question]")).to_have_value("Typed offline")
    expect(page.locator("form.editor .unsaved")).to_be_visible()
