"""url_state: a component's attributes in the page's address, read and written (docs/urls.md)."""

from __future__ import annotations

from typing import Literal

import pytest
from django_components import register

from liveview import LiveComponent, event
from liveview.authoring.urlstate import UnsafeUrl, same_origin, url_of
from liveview.runtime.page import Page
from project.alerts.components.alerts import AlertList


@register("test_url_table")
class UrlTable(LiveComponent):
    template = "<p>{{ sort }}|{{ q }}|{{ page }}|{{ tags|join:',' }}|{{ wide }}</p>"
    url_state = ("sort", "q", "page", "tags", "wide")
    sort: Literal["", "name", "-name"] = ""
    q: str = ""
    page: int = 1
    tags: list[str] = []
    wide: bool = False

    @event
    def sort_by(self, column: Literal["name", "-name"]) -> None:
        self.sort, self.page = column, 1

    @event
    def search(self, q: str) -> None:
        self.q = q
        self.live.replace_url()

    @event
    def go(self, url: str) -> None:
        self.live.push_url(url)

    @event
    def noop(self) -> None: ...


def _page(url: str | None) -> tuple[Page, UrlTable]:
    page = Page(connected=True, url=url)
    comp = page.mount("test_url_table", "lv-1", {})
    assert isinstance(comp, UrlTable)
    page.render_all()
    return page, comp


def test_the_state_is_read_from_the_query_string_after_mount() -> None:
    _, comp = _page("/t/?sort=-name&q=ab+c&page=3&tags=a&tags=b&wide=true&other=1")
    state = (comp.sort, comp.q, comp.page, comp.tags, comp.wide)
    assert state == ("-name", "ab c", 3, ["a", "b"], True)


def test_a_value_that_does_not_fit_keeps_the_default_and_says_so() -> None:
    page, comp = _page("/t/?sort=drop+table&page=abc&q=fine")
    assert (comp.sort, comp.page, comp.q) == ("", 1, "fine")
    html = page.render(comp, oob=False)
    assert 'class="lv-error"' in html and "sort:" in html and "page:" in html


def test_an_event_that_changes_url_state_pushes_the_address() -> None:
    page, _ = _page("/t/?other=1&page=4")
    frame = page.dispatch("lv-1", "sort_by", {"column": "name"})
    assert frame is not None
    assert 'id="lv-url"' in frame and 'data-url="/t/?other=1&amp;sort=name"' in frame
    assert 'data-mode="push"' in frame
    assert page.url == "/t/?other=1&sort=name"  # page=1 is the default: left out


def test_an_event_that_changes_nothing_in_the_address_sends_no_address() -> None:
    page, _ = _page("/t/?sort=name")
    frame = page.dispatch("lv-1", "noop", {})
    assert frame is None or "lv-url" not in frame


def test_replace_url_without_a_url_replaces_the_entry() -> None:
    page, _ = _page("/t/")
    frame = page.dispatch("lv-1", "search", {"q": "gentoo"})
    assert frame is not None and 'data-url="/t/?q=gentoo"' in frame
    assert 'data-mode="replace"' in frame


def test_push_url_takes_a_path_and_merges_the_state() -> None:
    page, _ = _page("/t/?sort=name")
    frame = page.dispatch("lv-1", "go", {"url": "/elsewhere/"})
    assert frame is not None and 'data-url="/elsewhere/?sort=name"' in frame
    frame = page.dispatch("lv-1", "go", {"url": "?x=1"})
    assert frame is not None and 'data-url="/elsewhere/?x=1&amp;sort=name"' in frame


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test/",
        "//evil.test/x",
        "/\\evil.test",
        "javascript:alert(1)",
        "/a\nb",
        "/a#frag",
        "relative/path",
        "/" + "a" * 5000,
    ],
)
def test_push_url_refuses_what_could_leave_the_site(url: str) -> None:
    page, _ = _page("/t/")
    frame = page.dispatch("lv-1", "go", {"url": url})
    assert frame is not None and "lv-error" in frame and "lv-url" not in frame
    with pytest.raises(UnsafeUrl):
        same_origin(url)


def test_back_restores_the_state_from_the_address_without_pushing() -> None:
    page, comp = _page("/t/")
    page.dispatch("lv-1", "sort_by", {"column": "name"})
    frame = page.dispatch("lv-1", "lv_url", {"url": "/t/?page=2"})
    assert (comp.sort, comp.page) == ("", 2)  # absent: back to the class default
    assert frame is not None and ">|" in frame and "lv-url" not in frame
    assert page.url == "/t/?page=2"


def test_back_with_an_unsafe_or_bad_address_changes_nothing_and_says_so() -> None:
    page, comp = _page("/t/?sort=name")
    frame = page.dispatch("lv-1", "lv_url", {"url": "https://evil.test/?sort=-name"})
    assert frame is not None and "Could not restore the address" in frame
    assert comp.sort == "name"
    frame = page.dispatch("lv-1", "lv_url", {"url": 7})
    assert frame is not None and "Could not restore the address" in frame
    frame = page.dispatch("lv-1", "lv_url", {"url": "/t/?page=x"})
    assert frame is not None and "Ignored what the address says for page:" in frame
    assert comp.page == 1


def test_without_a_known_address_nothing_is_read_or_pushed() -> None:
    page, comp = _page(None)
    frame = page.dispatch("lv-1", "sort_by", {"column": "name"})
    assert comp.sort == "name" and frame is not None and "lv-url" not in frame


def test_url_of_leaves_defaults_out() -> None:
    _, comp = _page("/t/")
    comp.page = 2
    assert url_of([comp], "/t/?q=") == "/t/?page=2"


@pytest.mark.django_db
def test_a_name_the_url_pattern_captures_is_read_from_the_path_and_never_repeated() -> None:
    # The alerts demo: `open` is captured by path("<int:open>/", ...).
    page = Page(connected=True, url="/alerts/7/?open=3")
    comp = page.mount("alert_list", "lv-1", {})
    assert isinstance(comp, AlertList)
    assert comp.open == 7  # the path wins over the query string
    assert url_of([comp], "/alerts/7/") == "/alerts/7/"
    comp.open = 8
    assert url_of([comp], "/alerts/") == "/alerts/?open=8"  # not captured there: the query


def test_url_state_must_be_annotated_with_a_default() -> None:
    with pytest.raises(TypeError, match="annotate it on the class"):

        class Bad(LiveComponent):
            url_state = ("sort",)

    with pytest.raises(TypeError, match="is a tuple"):

        class Worse(LiveComponent):
            url_state = "sort"  # type: ignore[assignment]


def test_no_event_may_be_called_lv_url() -> None:
    with pytest.raises(TypeError, match="cannot be an @event"):

        class Sneaky(LiveComponent):
            @event
            def lv_url(self) -> None: ...
