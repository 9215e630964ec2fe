"""Partial updates in real Chromium under each htmx build (docs/updates.md): for seeded random
pairs of HTML, the component's DOM after the frame the server sends (partial swaps, or the whole
when those would not be right) equals the browser's own parse of the new HTML, which is what a
full render gives. Real frames, through the real glue and ws extension. And what must stay
right around them: focus and unsaved text, a swap aimed by position beside the glue's notice."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.template import Engine, RequestContext
from django.urls import path
from django_components import register
from playwright.sync_api import BrowserContext, Page, WebSocket, expect
from pytest_django.fixtures import Settings

from liveview import LiveComponent, event
from liveview.pubsub.publish import apublish, changed
from liveview.socket.consumer import STALE, close_all
from liveview.socket.protocol import CloseCode
from liveview.testing.playwright import expect_idle, expect_offline
from liveview.testing.server import LiveServer
from tests.browser.support import open_live
from tests.random_html import mutated, tree

pytestmark = pytest.mark.browser

#: The HTML the canvas shows, step by step (set by the test before the page loads).
STEPS: list[str] = []
CASES = 50


@register("test_canvas")
class Canvas(LiveComponent):
    """Shows STEPS[step] under a fixed "Next" button; each click shows the next step."""

    template = (
        "{% load liveview %}<button {% live 'next' %}>Next</button>"
        '<div class="canvas">{{ html|safe }}</div>'
    )
    step: int = 0

    def extra_context(self) -> dict[str, object]:
        return {"html": STEPS[self.step]}

    @event
    def next(self) -> None:
        self.step += 1


#: What the typist shows next to its box, as another writer sets it.
NEWS: dict[str, object] = {}
NEWS_URI = "/typist/1"


@register("test_typist")
class Typist(LiveComponent):
    """A text box with what another writer changes next to it, and in its placeholder."""

    template = (
        '<label>Note <input name="note" value="draft" placeholder="{{ hint }}"></label>'
        '<p class="n">{{ n }}</p>'
    )

    def mount(self) -> None:
        self.n, self.hint = NEWS["n"], NEWS["hint"]

    def subscriptions(self) -> list[str]:
        return [NEWS_URI]


#: The rows the list shows, as another writer sets them.
ROWS: list[str] = []
ROWS_URI = "/rows/1"


@register("test_rows")
class Rows(LiveComponent):
    """A list whose items are all <li>: a partial swap into one is aimed by its position."""

    live_tag = "ul"
    template = (
        "{% load liveview %}<li><button {% live 'bump' %}>Bump</button></li>"
        "{% for row in rows %}<li>{{ row }}</li>{% endfor %}"
    )

    def mount(self) -> None:
        self.rows = list(ROWS)

    def subscriptions(self) -> list[str]:
        return [ROWS_URI]

    @event
    def bump(self) -> None:
        self.rows = [*self.rows, "bumped"]


PAGE = """{% load liveview %}<!doctype html><html><head><title>canvas</title></head><body>
{% component "NAME" / %}
{% liveview_scripts %}</body></html>"""


def component_page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("test_canvas", "test_typist", "test_rows"):
        raise Http404(name)
    template = Engine.get_default().from_string(PAGE.replace("NAME", name))
    return HttpResponse(template.render(RequestContext(request)))


urlpatterns = [path("page/<str:name>/", component_page)]


# -- random HTML (tests/random_html.py): each click goes from one tree to the next ------------


def steps(seed: int) -> list[str]:
    """Pairs (old, new) one after the other: each click goes from one to the next."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(CASES):
        old = tree(rng, "div", 3)
        out += [old.inner_html(), mutated(rng, old).inner_html()]
    return out


# -- the test ----------------------------------------------------------------------------------

#: An element's content written out with each element's attributes sorted (a morph keeps the
#: order an element's attributes were first set in; the tree is what must be equal).
CANONICAL = """(function canonical(el) {
  var copy = el.cloneNode(true);
  copy.normalize();  // adjacent texts (an append after a text) read as one
  return Array.from(copy.childNodes).map(function (n) {
    if (n.nodeType === 3) return JSON.stringify(n.data);
    if (n.nodeType === 8) return "<!--" + n.data + "-->";
    var attrs = Array.from(n.attributes).map(function (a) {
      return a.name + "=" + JSON.stringify(a.value);
    });
    return "<" + n.tagName + " " + attrs.sort().join(" ") + ">" + canonical(n) + "</>";
  }).join("");
})"""


@pytest.fixture
def canvas(page: Page, settings: Settings, htmx_version: str) -> Iterator[tuple[Page, list[str]]]:
    settings.ROOT_URLCONF = __name__
    STEPS[:] = steps(seed=15)
    frames: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    open_live(page, "/page/test_canvas/")
    yield page, frames


def test_the_dom_after_each_update_is_the_full_renders(canvas: tuple[Page, list[str]]) -> None:
    page, frames = canvas
    partial = 0
    for step in range(1, len(STEPS)):
        before = len(frames)
        page.locator("#lv-1 > button").click()
        expect_idle(page)
        shown = page.evaluate(f"{CANONICAL}(document.querySelector('#lv-1 > .canvas'))")
        full = page.evaluate(
            f"html => {{ const d = document.createElement('div'); d.innerHTML = html; "
            f"return {CANONICAL}(d); }}",
            STEPS[step],
        )
        assert shown == full, f"step {step}: {STEPS[step - 1]!r} -> {STEPS[step]!r}"
        sent = "".join(frames[before:])
        if "hx-partial" in sent or 'hx-swap-oob="innerHTML:' in sent or ":#lv-1>" in sent:
            partial += 1
    # Most changes travel as partial swaps (a step between two unrelated trees may not).
    assert partial >= CASES // 2


def test_a_partial_update_keeps_focus_caret_and_unsaved_text(
    page: Page, settings: Settings, htmx_version: str, server: LiveServer
) -> None:
    settings.ROOT_URLCONF = __name__
    NEWS.update(n=0, hint="a hint")
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(str(p))))
    open_live(page, "/page/test_typist/")
    box = page.get_by_label("Note")
    box.fill("hello world")  # typed, never sent: the page has no binding on it
    box.evaluate("el => el.setSelectionRange(5, 5)")  # the caret mid-text

    def written(**news: object) -> None:
        NEWS.update(news)
        server.call(lambda: apublish(changed("PUT", NEWS_URI, "/typist/", str(news))))

    # Next to the box, then on the box itself (its placeholder: the box is swapped).
    written(n=1)
    expect(page.locator("#lv-1 .n")).to_have_text("1")
    written(hint="another hint")
    expect(box).to_have_attribute("placeholder", "another hint")
    for frame in frames[-2:]:  # both went as partial swaps, not the whole component
        assert "hx-partial" in frame or ":#lv-1>" in frame
        assert "Note" not in frame
    expect(box).to_be_focused()
    expect(box).to_have_value("hello world")
    assert box.evaluate("el => [el.selectionStart, el.selectionEnd]") == [5, 5]


def test_a_swap_aimed_by_position_finds_its_item_while_the_refused_notice_is_shown(
    context: BrowserContext, page: Page, settings: Settings, htmx_version: str, server: LiveServer
) -> None:
    """The glue's refused-click notice is a child of the component the server never rendered:
    the glue takes it out before applying a frame, so a swap aimed at the 4th child finds the
    3rd row, not the 2nd (and puts it back after, until the component's next action)."""
    settings.ROOT_URLCONF = __name__
    ROWS[:] = [f"row {n}, as the list was first written" for n in range(1, 7)]
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(str(p))))
    open_live(page, "/page/test_rows/")
    rows = page.locator("#lv-1 > li")
    notice = page.locator("#lv-1 > .lv-refused")

    # A click while the socket is down: refused, and the notice is the list's first child.
    context.set_offline(True)
    server.call(lambda: close_all(code=CloseCode.RESYNC))
    expect_offline(page)
    page.get_by_role("button", name="Bump").click()
    expect(notice).to_have_text(STALE)
    context.set_offline(False)
    expect_idle(page)
    expect(notice).to_have_text(STALE)  # still there after the reconnect's full render
    assert page.evaluate("document.querySelector('#lv-1').firstElementChild.className") == (
        "lv-error lv-refused"
    )

    # Another writer changes the third row: a partial swap aimed by position.
    before = len(frames)
    ROWS[2] = "row 3, rewritten"
    server.call(lambda: apublish(changed("PUT", ROWS_URI, "/rows/", "row 3")))
    expect(rows.nth(3)).to_have_text("row 3, rewritten")
    sent = "".join(frames[before:])
    assert "nth-child(4)" in sent and "row 1" not in sent  # the swap alone, not the list
    expect(rows).to_have_text(["Bump", *ROWS])  # the other rows as they were
    expect(notice).to_have_text(STALE)  # the component's next action has not been sent
