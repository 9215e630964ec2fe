"""`Page.renewed_token`: a token is signed again exactly when some component's kept state
changed since the last token (in place too, or only in its JSON), and only then."""

from __future__ import annotations

from typing import Any

from django_components import register

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.runtime.page import Page


@register("test_kept_filters")
class Filters(LiveComponent):
    template = "<p>{{ filters }} {{ size }}</p>"
    kept = ("filters", "size")
    filters: dict[str, str] = {}
    size: float = 1

    def mount(self) -> None:
        self.filters = {}
        self.size = 1
        self.clicks = 0

    @event
    def narrow(self, key: str, value: str) -> None:
        self.filters[key] = value  # changed in place

    @event
    def resize(self, size: float) -> None:
        self.size = size

    @event
    def click(self) -> None:
        self.clicks += 1  # not kept


def connected(*kept: dict[str, Any] | None) -> Page:
    page = Page(connected=True)
    specs = tuple(
        ComponentSpec("test_kept_filters", f"lv-{n}", {}, kept=k) for n, k in enumerate(kept, 1)
    )
    page.mount_token(PageToken.new(specs, Binding.of(None, None, "x")))
    page.render_all()
    return page


def carried(signed: str | None) -> dict[str, Any]:
    assert signed is not None
    return {spec.id: spec.kept for spec in PageToken.verify(signed).components}


def test_an_event_that_leaves_kept_state_as_it_was_renews_nothing() -> None:
    page = connected({"filters": {"a": "1"}, "size": 2.5})
    page.dispatch("lv-1", "click", {})
    page.dispatch("lv-1", "narrow", {"key": "a", "value": "1"})  # the same value again
    assert page.renewed_token() is None


def test_kept_state_changed_in_place_renews_the_token_once() -> None:
    page = connected(None, None)
    assert page.renewed_token() is None
    page.dispatch("lv-2", "narrow", {"key": "q", "value": "x"})
    assert carried(page.renewed_token()) == {
        "lv-1": {"filters": {}, "size": 1},
        "lv-2": {"filters": {"q": "x"}, "size": 1},
    }
    assert page.renewed_token() is None
    page.dispatch("lv-2", "narrow", {"key": "q", "value": "y"})
    assert carried(page.renewed_token())["lv-2"] == {"filters": {"q": "y"}, "size": 1}


def test_a_value_equal_but_not_the_same_json_renews_the_token() -> None:
    page = connected({"filters": {}, "size": 1})
    comp = page.components["lv-1"]
    assert isinstance(comp, Filters) and comp.size == 1.0  # validated as the float it is
    comp.size = 1  # == 1.0, but the token would carry 1
    kept = carried(page.renewed_token())["lv-1"]
    assert kept == {"filters": {}, "size": 1} and type(kept["size"]) is int
    assert page.renewed_token() is None


def test_a_component_mounted_after_the_connect_is_carried_by_the_next_token() -> None:
    page = connected(None)
    page.mount("test_kept_filters", "lv-2", {})
    assert set(carried(page.renewed_token())) == {"lv-1", "lv-2"}
    assert page.renewed_token() is None
