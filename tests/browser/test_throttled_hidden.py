"""Tried as a new user would (issue 12, "Done means"): the browser's network throttled, a text
typed key by key, the tab hidden for 30 s while another writer changes what the page shows.
The conflict editor and a live-validated form never lose a character, the conflict is shown
when the resource changed, and nothing is saved over a version the user has not seen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Locator, Page, expect

from project.commentary.models import Comment, Event
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.support import LiveServer, open_live, orm
from tests.browser.test_input_ownership import (
    RECONNECT_MS,
    behind_proxy,
    change_question,
    hide,
)
from tests.browser.test_polls import new_poll, question_of
from tests.scale.proxy import TcpProxy

pytestmark = pytest.mark.browser

KEY_DELAY_MS = 300
SOCKET_LATENCY_S = 0.2
#: How long the tab stays in the background: the scenario itself, not a wait for a state.
HIDDEN_MS = 30_000
#: Chromium's network emulation (DevTools' "Slow 3G"-like): every request and the socket's
#: handshake wait 400 ms, and the pipe is narrow. Whether Chromium also delays the frames of an
#: open websocket depends on its version, so the page also reaches the server through a proxy
#: holding every chunk SOCKET_LATENCY_S each way.
THROTTLED = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50 * 1024,
    "uploadThroughput": 20 * 1024,
}


def type_slowly(box: Locator, text: str) -> None:
    """Key by key, 300 ms apart (the action's timeout covers the typing itself)."""
    box.press_sequentially(
        text, delay=KEY_DELAY_MS, timeout=len(text) * KEY_DELAY_MS + ACTION_TIMEOUT_MS
    )


def throttle(page: Page) -> None:
    """Throttle the page's network as DevTools does (Network.emulateNetworkConditions)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLED)


def away(page: Page) -> None:
    """The user switches to another tab for 30 s (htmx 4 closes the socket meanwhile)."""
    hide(page, True)
    # The scenario is a tab hidden for 30 s: nothing to wait for but the time itself.
    page.wait_for_timeout(HIDDEN_MS)
    hide(page, False)


@pytest.fixture
def slow(server: LiveServer) -> Iterator[TcpProxy]:
    """The server behind a proxy that delays every chunk, both ways (the socket's frames too)."""
    with behind_proxy(server, SOCKET_LATENCY_S) as proxy:
        yield proxy


def test_the_conflict_editor_throttled_and_hidden_loses_no_character(
    page: Page, server: LiveServer, htmx_version: str, slow: TcpProxy
) -> None:
    pk = new_poll(server, "Lunch?")
    throttle(page)
    open_live(page, f"{slow.base_url}/polls/{pk}/")
    box = page.locator("form.editor input[name=question]")
    mine = "Lunch at half past twelve, on the terrace?"
    box.click()
    box.press("Control+a")
    type_slowly(box, mine)
    expect(box).to_have_value(mine)
    # Another writer saves while the tab is hidden (and, under htmx 4, offline).
    hide(page, True)
    change_question(server, pk, "Theirs")
    away(page)
    expect(page.locator("form.editor .conflict .theirs")).to_have_text(
        "Theirs", timeout=RECONNECT_MS
    )
    expect(box).to_have_value(mine)
    assert question_of(server, pk) == "Theirs"  # nothing saved over a version unseen
    # Seen now: the user overwrites the version shown with every character they typed.
    page.get_by_role("button", name="Overwrite with mine").click()
    expect(page.locator("form.editor .saved")).to_be_visible()
    expect(box).to_have_value(mine)
    assert question_of(server, pk) == mine


def test_a_live_validated_form_throttled_and_hidden_loses_no_character(
    page: Page, server: LiveServer, htmx_version: str, slow: TcpProxy
) -> None:
    pk = orm(
        server,
        lambda: Event.objects.create(title="Hidden", starts=datetime(2026, 7, 1, tzinfo=UTC)).pk,
    )
    throttle(page)
    open_live(page, f"{slow.base_url}/events/{pk}/")
    name = page.get_by_label("Name")
    body = page.locator("textarea[name=body]")
    text = "Kick-off in ten minutes, the stands are full"
    type_slowly(name, "Ann")
    type_slowly(body, text)
    expect(body).to_have_value(text)
    # Someone else comments while the tab is hidden: the feed changes, the form must not.
    hide(page, True)
    orm(server, lambda: Comment.objects.create(event_id=pk, name="Bob", body="Meanwhile").pk)
    away(page)
    comments = page.get_by_role("list", name="Comments").locator(".comment .body")
    expect(comments).to_have_text(["Meanwhile"], timeout=RECONNECT_MS)
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "live", timeout=RECONNECT_MS)
    expect(name).to_have_value("Ann")
    expect(body).to_have_value(text)
    page.get_by_role("button", name="Post").click()
    expect(comments).to_have_text([text, "Meanwhile"])
    stored = orm(server, lambda: list(Comment.objects.filter(event_id=pk).values_list("body")))
    assert stored == [(text,), ("Meanwhile",)]
