"""The browser owns what the user typed: no server fragment overwrites input the server has not
acknowledged (issue 12). Typed as a user types, with live validation, under every htmx dialect,
on loopback and behind a slow network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Locator, Page, expect

from liveview.testing.playwright import expect_idle
from project.commentary.models import Event
from project.polls.models import Poll
from tests.browser.support import LiveServer, open_live, orm
from tests.browser.test_polls import new_poll, question_of
from tests.scale.proxy import TcpProxy

pytestmark = pytest.mark.browser

#: The issue's measure: 12 short texts, 300 ms between keys, the demo's validated Comment box.
TEXTS = [f"note {i} abcdefgh" for i in range(12)]
KEY_DELAY_MS = 300
#: One way, each direction: a reply comes back after the user's next key.
LATENCY_S = 0.25


@contextmanager
def behind_proxy(server: LiveServer, delay: float = 0.0) -> Iterator[TcpProxy]:
    """The server behind a proxy the test controls: it delays every chunk, or cuts."""
    proxy = TcpProxy(int(server.base_url.rsplit(":", 1)[1]), delay=delay)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(params=[0.0, LATENCY_S], ids=["loopback", "slow"])
def proxy(request: pytest.FixtureRequest, server: LiveServer) -> Iterator[TcpProxy]:
    """The server behind a proxy holding every chunk `param` seconds each way."""
    with behind_proxy(server, request.param) as proxy:
        yield proxy


def type_and_post(page: Page, text: str, posted_before: int) -> tuple[str, str]:
    """Type `text` as a user does, wait until the server has answered it all (idle: every
    debounce fired, every event acknowledged), post it.

    Returns what the box held once everything settled, and the comment the server stored."""
    page.locator("textarea[name=body]").press_sequentially(text, delay=KEY_DELAY_MS)
    expect_idle(page)
    held = page.locator("textarea[name=body]").input_value()
    page.get_by_role("button", name="Post").click()
    comments = page.get_by_role("list", name="Comments").locator(".comment .body")
    expect(comments).to_have_count(posted_before + 1)
    expect(page.locator("textarea[name=body]")).to_have_value("")
    return held, comments.first.inner_text()


def test_typing_with_live_validation_keeps_every_keystroke(
    page: Page, server: LiveServer, htmx_version: str, proxy: TcpProxy
) -> None:
    pk = orm(
        server,
        lambda: Event.objects.create(title="Typing", starts=datetime(2026, 7, 1, tzinfo=UTC)).pk,
    )
    open_live(page, f"{proxy.base_url}/events/{pk}/")
    page.get_by_label("Name").fill("Ann")
    results = [type_and_post(page, text, n) for n, text in enumerate(TEXTS)]
    intact = [
        text for text, (held, stored) in zip(TEXTS, results, strict=True) if held == stored == text
    ]
    print(f"{htmx_version}, {proxy.delay} s each way: {len(intact)} of {len(TEXTS)} intact")
    assert results == [(text, text) for text in TEXTS]


# -- unsaved input across a disconnect, a hidden tab --------------------------------------------

#: How long a page may take to reconnect once the network is back (htmx 2 backs off with jitter).
RECONNECT_MS = 70_000


@pytest.fixture
def cuttable(server: LiveServer) -> Iterator[TcpProxy]:
    """The server behind a proxy the test can cut (the browser's only route to it)."""
    with behind_proxy(server) as proxy:
        yield proxy


def change_question(server: LiveServer, pk: int, question: str) -> None:
    """Another writer (a shell, the admin) saves the poll: every page showing it hears of it."""

    def write() -> None:
        poll = Poll.objects.get(pk=pk)
        poll.question = question
        poll.save()

    orm(server, write)


def hide(page: Page, hidden: bool) -> None:
    """The tab goes to the background or comes back, as the page's scripts see it."""
    page.evaluate(
        """hidden => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
          Object.defineProperty(document, "visibilityState",
            { configurable: true, get: () => hidden ? "hidden" : "visible" });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def open_editor(page: Page, url: str, text: str) -> Locator:
    """Open the poll page, type `text` into its editor, wait until the server holds it (dirty)."""
    open_live(page, url)
    box = page.locator("form.editor input[name=question]")
    box.fill(text)
    expect(page.locator("form.editor .unsaved")).to_be_visible()
    return box


def test_unsaved_input_survives_a_disconnect_and_reaches_the_server_again(
    page: Page, server: LiveServer, htmx_version: str, cuttable: TcpProxy
) -> None:
    pk = new_poll(server, "Lunch?")
    box = open_editor(page, f"{cuttable.base_url}/polls/{pk}/", "Lunch at noon?")
    cuttable.cut()
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "closed")
    cuttable.restore()
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "live", timeout=RECONNECT_MS)
    expect(box).to_have_value("Lunch at noon?")
    # Sent again: the server's editor (mounted afresh from the database) is dirty with it.
    expect(page.locator("form.editor .unsaved")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form.editor .saved")).to_be_visible()
    assert question_of(server, pk) == "Lunch at noon?"


def test_unsaved_input_meets_a_change_made_while_offline_as_a_conflict(
    page: Page, server: LiveServer, htmx_version: str, cuttable: TcpProxy
) -> None:
    pk = new_poll(server, "Lunch?")
    box = open_editor(page, f"{cuttable.base_url}/polls/{pk}/", "Mine")
    cuttable.cut()
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "closed")
    change_question(server, pk, "Theirs")
    cuttable.restore()
    expect(page.locator("form.editor .conflict .theirs")).to_have_text(
        "Theirs", timeout=RECONNECT_MS
    )
    expect(box).to_have_value("Mine")
    assert question_of(server, pk) == "Theirs"  # nothing was saved over it


def test_unsaved_input_survives_a_hidden_tab(
    page: Page, server: LiveServer, htmx_version: str
) -> None:
    """htmx 4 closes the socket while the tab is hidden, and reconnects when it shows again."""
    pk = new_poll(server, "Lunch?")
    box = open_editor(page, f"/polls/{pk}/", "Mine")
    hide(page, True)
    if htmx_version != "htmx2":
        expect(page.locator("body")).to_have_attribute("data-lv-socket", "closed")
    change_question(server, pk, "Theirs")
    hide(page, False)
    expect(page.locator("form.editor .conflict .theirs")).to_have_text(
        "Theirs", timeout=RECONNECT_MS
    )
    expect(box).to_have_value("Mine")
    page.get_by_role("button", name="Overwrite with mine").click()
    expect(page.locator("form.editor .saved")).to_be_visible()
    assert question_of(server, pk) == "Mine"


# -- a debounce that outlives its element (htmx 2 replaces components) ---------------------------

#: Holds the editor binding's debounce timers (150 ms) until the test releases them, so that a
#: fragment arrives "before the debounce fires" by construction, not by timing; counts frames
#: and records every event sent without the glue's stamps (`lv_v`, `lv_seq`).
HOLD_DEBOUNCE = """
(() => {
  const w = window.__debounce = { hold: false, held: [], received: 0, unstamped: [] };
  const set = window.setTimeout, clear = window.clearTimeout;
  window.setTimeout = function (f, ms, ...args) {
    if (!w.hold || ms !== 150) return set(f, ms, ...args);
    const id = set(() => {}, 1e9);
    w.held.push({ id, run: () => f(...args) });
    return id;
  };
  window.clearTimeout = function (id) {
    w.held = w.held.filter((t) => t.id !== id);
    return clear(id);
  };
  w.release = () => {
    w.hold = false;
    const due = w.held;
    w.held = [];
    due.forEach((t) => { clear(t.id); t.run(); });
    return due.length;
  };
  const Socket = window.WebSocket, send = Socket.prototype.send;
  function Counted(url, protocols) {
    const s = protocols === undefined ? new Socket(url) : new Socket(url, protocols);
    s.addEventListener("message", () => { w.received += 1; });
    return s;
  }
  Counted.prototype = Socket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach((k) => { Counted[k] = Socket[k]; });
  window.WebSocket = Counted;
  Socket.prototype.send = function (data) {
    try {
      const d = JSON.parse(data), v = d.body && typeof d.body === "object" ? d.body : d;
      if (!("lv_v" in v) || !("lv_seq" in v)) w.unstamped.push(data);
    } catch (e) { /* not JSON: not an event */ }
    return send.call(this, data);
  };
})();
"""


def test_a_resend_whose_element_is_replaced_before_its_debounce_fires_is_still_sent(
    page: Page, server: LiveServer, htmx_version: str, cuttable: TcpProxy
) -> None:
    """After a reconnect the glue sends unsaved input again through the control's debounced
    binding; a fragment replacing the component (htmx 2 replaces, it does not morph) before that
    debounce fires must not lose the re-send, nor let the detached element send it unstamped."""
    page.add_init_script(HOLD_DEBOUNCE)
    pk = new_poll(server, "Lunch?")
    box = open_editor(page, f"{cuttable.base_url}/polls/{pk}/", "Mine")
    # "Mine" was sent and acknowledged on this connection; the next one knows nothing of it.
    cuttable.cut()
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "closed")
    page.evaluate("() => { window.__debounce.hold = true; }")
    cuttable.restore()
    expect(page.locator("body")).to_have_attribute("data-lv-socket", "live", timeout=RECONNECT_MS)
    # The reconnect's first frame is in: the re-send waits on its debounce.
    page.wait_for_function("() => window.__debounce.held.length > 0")
    received = page.evaluate("() => window.__debounce.received")
    change_question(server, pk, "Theirs")  # a fragment re-rendering the editor
    page.wait_for_function("n => window.__debounce.received > n", arg=received)
    assert page.evaluate("() => window.__debounce.release()") > 0
    # The server got "Mine" on its old base: the conflict, the user's text kept.
    expect(page.locator("form.editor .conflict .theirs")).to_have_text("Theirs")
    expect(box).to_have_value("Mine")
    expect(page.locator(".lv-refused")).to_have_count(0)
    assert page.evaluate("() => window.__debounce.unstamped") == []
    assert question_of(server, pk) == "Theirs"


# -- a server value landing in a focused box the user has not changed --------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [("Control+a", "X"), ("End", "Theirs, much longerX")],
    ids=["all-selected", "caret-at-end"],
)
def test_a_new_value_in_a_focused_untouched_box_keeps_the_users_selection(
    page: Page, server: LiveServer, htmx_version: str, keys: str, expected: str
) -> None:
    """The user selects the whole question (or puts the caret at its end) and, before their
    first key, another writer's version arrives: the whole new text is selected (the caret is at
    its end), so the key replaces (extends) what is shown, not a mix of the two."""
    pk = new_poll(server, "Lunch?")
    open_live(page, f"/polls/{pk}/")
    box = page.locator("form.editor input[name=question]")
    box.click()
    box.press(keys)
    change_question(server, pk, "Theirs, much longer")
    expect(box).to_have_value("Theirs, much longer")
    expect(page.locator("h1.question")).to_have_text("Theirs, much longer")
    box.press("X")
    expect(box).to_have_value(expected)
