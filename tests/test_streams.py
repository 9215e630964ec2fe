"""Streams (docs/streams.md): items inserted, updated and deleted by key, over stock htmx swaps,
with nothing of the list kept on the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import TemplateSyntaxError
from django_components import register, registry

from liveview import LiveComponent, event
from liveview.authoring.streams import Stream, key_id
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.runtime.page import Page
from liveview.testing.dom import Document

#: The "database" the test component reads its window from.
ROWS: list[dict[str, Any]] = []


@register("test_stream_list")
class StreamList(LiveComponent):
    template = (
        "<h2>{{ title }}</h2>"
        '{% load liveview %}{% live_stream "items" as row tag="ul" class="rows" item_tag="li" '
        'item_class="row" %}<span>{{ row.text }}</span>{% endlive_stream %}'
    )
    streams = {"items": Stream(key="id", at=-1, limit=3)}

    def mount(self) -> None:
        self.title = "Rows"
        self.stream("items", ROWS[-3:])

    @event
    def add(self, key: str, text: str, top: bool = False) -> None:
        self.stream_insert("items", {"id": key, "text": text}, at=0 if top else -1)

    @event
    def remove(self, key: str) -> None:
        self.stream_delete("items", key)

    @event
    def retitle(self, title: str) -> None:
        self.title = title

    @event
    def reset(self) -> None:
        self.stream_reset("items", [{"id": "z", "text": "only"}])

    @event
    def boom(self) -> None:
        self.stream_insert("items", {"id": "q", "text": "never"})
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def rows() -> None:
    ROWS[:] = [{"id": str(n), "text": f"row {n}"} for n in range(1, 6)]


@pytest.fixture(params=[2, 4], ids=["htmx2", "htmx4"])
def htmx(request: pytest.FixtureRequest, settings: Any) -> int:
    settings.LIVEVIEW_HTMX_VERSION = request.param
    return int(request.param)


def connected() -> tuple[Page, Document]:
    page = Page(connected=True)
    spec = ComponentSpec("test_stream_list", "lv-1", {})
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
    doc = Document('<html><body><div id="lv-1" data-lv="test_stream_list"></div></body></html>')
    doc.apply(page.render_all())
    return page, doc


def send(page: Page, doc: Document, name: str, **values: Any) -> str:
    frame = page.dispatch("lv-1", name, values)
    assert frame is not None
    doc.apply(frame)
    return frame


def texts(doc: Document) -> list[str]:
    return [li.get_text() for li in doc.select("#lv-1-items > li")]


def test_the_window_renders_in_full_on_connect_with_an_id_per_item(htmx: int) -> None:
    page, doc = connected()
    assert texts(doc) == ["row 3", "row 4", "row 5"]
    assert [li["id"] for li in doc.select("#lv-1-items > li")] == [
        "lv-1-items-3",
        "lv-1-items-4",
        "lv-1-items-5",
    ]
    box = doc.one("#lv-1-items")
    assert box["data-lv-stream"] == "items" and box["class"] == ["rows"]
    assert box["data-lv-limit"] == "-3"  # at the bottom: the page keeps the last 3


def aimed(htmx: int, swap: str, target: str, html: str) -> str:
    """A part aimed at `target`, as each htmx build's frame carries it (docs/streams.md)."""
    if htmx == 2:
        return f'<template hx-swap-oob="{swap}:{target}">{html}</template>'
    return f'<hx-partial hx-target="{target}" hx-swap="{swap}">{html}</hx-partial>'


def test_an_insert_sends_only_the_item_as_a_targeted_part(htmx: int) -> None:
    page, doc = connected()
    frame = send(page, doc, "add", key="6", text="row 6")
    item = '<li id="lv-1-items-6" class="row" data-lv-ins=""><span>row 6</span></li>'
    assert frame == aimed(htmx, "beforeend", "#lv-1-items", item)
    assert texts(doc) == ["row 4", "row 5", "row 6"]  # the limit trims the top


def test_an_insert_at_the_top(htmx: int) -> None:
    page, doc = connected()
    frame = send(page, doc, "add", key="0", text="row 0", top=True)
    assert "afterbegin" in frame
    # The stream keeps its last 3 (new items at the bottom): one put at the top goes at once.
    assert texts(doc) == ["row 3", "row 4", "row 5"]
    send(page, doc, "remove", key="5")
    send(page, doc, "add", key="0", text="row 0", top=True)
    assert texts(doc) == ["row 0", "row 3", "row 4"]


def test_inserting_a_shown_key_updates_it_in_place(htmx: int) -> None:
    page, doc = connected()
    send(page, doc, "add", key="4", text="row four")
    assert texts(doc) == ["row 3", "row four", "row 5"]
    assert not doc.select("[data-lv-ins]")


def test_a_delete_removes_the_item_by_id(htmx: int) -> None:
    page, doc = connected()
    frame = send(page, doc, "remove", key="4")
    assert "delete" in frame and "#lv-1-items-4" in frame
    assert texts(doc) == ["row 3", "row 5"]


@pytest.mark.parametrize("partial_updates", [True, False], ids=["partial", "whole"])
def test_a_rerender_keeps_the_items_and_sends_none(
    htmx: int, partial_updates: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, doc = connected()
    monkeypatch.setattr(type(page.components["lv-1"]), "partial_updates", partial_updates)
    send(page, doc, "add", key="6", text="row 6")
    frame = send(page, doc, "retitle", title="Renamed")
    assert "<li" not in frame
    # Whole, the container goes kept (htmx keeps the page's); partial, it does not go at all.
    assert ("hx-preserve" in frame) is not partial_updates
    assert doc.one("h2").get_text() == "Renamed"
    assert texts(doc) == ["row 4", "row 5", "row 6"]


def test_a_reset_replaces_every_item(htmx: int) -> None:
    page, doc = connected()
    frame = send(page, doc, "reset")
    assert texts(doc) == ["only"]
    # One part with the items, into the container the page keeps: not the whole component.
    item = '<li id="lv-1-items-z" class="row"><span>only</span></li>'
    assert frame == aimed(htmx, "innerHTML", "#lv-1-items", item)
    frame = send(page, doc, "retitle", title="After")  # then kept again
    assert "only" not in frame
    assert texts(doc) == ["only"]


def test_a_reconnect_renders_the_window_from_the_database(htmx: int) -> None:
    page, doc = connected()
    send(page, doc, "add", key="6", text="row 6")
    ROWS.append({"id": "7", "text": "row 7"})
    again = Page(connected=True)
    again.mount_token(
        PageToken.new((ComponentSpec("test_stream_list", "lv-1", {}),), Binding.of(None, None, "x"))
    )
    doc.apply(again.render_all())
    assert texts(doc) == ["row 4", "row 5", "row 7"]


def test_a_failing_handler_sends_none_of_its_stream_changes(htmx: int) -> None:
    page, doc = connected()
    frame = page.dispatch("lv-1", "boom", {})
    assert frame is not None and "never" not in frame
    assert page.dispatch("lv-1", "retitle", {"title": "x"}) is not None
    assert "never" not in (page.dispatch("lv-1", "add", {"key": "8", "text": "t"}) or "")


def test_nothing_of_the_list_stays_on_the_component() -> None:
    page, _ = connected()
    comp = page.components["lv-1"]
    streams = page.records["lv-1"].streams
    assert streams is not None
    state = streams["items"]
    assert state.window is None and state.ops == []
    assert "items" not in comp.live_state()
    assert set(vars(comp)) - set(comp.live_state()) == {"_lv"}


@pytest.mark.parametrize(
    "key", ['"><script>alert(1)</script>', "a b", "é", "a-b", "x" * 65, "1.5", "#id", ""]
)
def test_a_hostile_key_becomes_a_safe_distinct_id(key: str) -> None:
    part = key_id(key)
    assert part and all(c.isalnum() or c in "-_" for c in part)
    assert part != key_id(key + "x")


def test_a_plain_key_never_collides_with_a_hashed_one() -> None:
    assert key_id("abc").count("-") == 0 and key_id("a-b").startswith("-")


def test_a_hostile_key_is_escaped_and_updates_in_place(htmx: int) -> None:
    page, doc = connected()
    hostile = '"><img src=x onerror=alert(1)>'
    send(page, doc, "add", key=hostile, text="evil")
    frame = send(page, doc, "add", key=hostile, text="still")
    assert "<img" not in frame
    assert texts(doc)[-1] == "still" and len(doc.select("#lv-1-items > li")) == 3


def test_an_undeclared_stream_is_a_clear_error() -> None:
    page, _ = connected()
    with pytest.raises(LookupError, match="declares no stream 'other'"):
        page.components["lv-1"].stream_insert("other", {"id": 1})


@pytest.mark.parametrize("bad", [{"at": 1}, {"limit": 0}, {"limit": -2}])
def test_a_bad_declaration_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Stream(**bad)


def test_a_stream_tag_needs_a_name_and_a_variable() -> None:
    from django.template import Engine

    with pytest.raises(TemplateSyntaxError, match="live_stream"):
        Engine(libraries={"liveview": "liveview.templatetags.liveview"}).from_string(
            "{% load liveview %}{% live_stream items %}{% endlive_stream %}"
        )


def test_an_insert_into_a_long_stream_sends_bytes_independent_of_its_length(htmx: int) -> None:
    sizes = []
    for length in (10, 1000):
        ROWS[:] = [{"id": str(n), "text": f"row {n}"} for n in range(length)]
        page = Page(connected=True)
        spec = ComponentSpec("test_stream_list", "lv-1", {})
        page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
        page.render_all()
        frame = page.dispatch("lv-1", "add", {"key": "new", "text": "a new row"})
        assert frame is not None
        sizes.append(len(frame.encode()))
    assert sizes[0] == sizes[1]


@pytest.mark.parametrize(
    "streams",
    [["items"], {"Items": Stream()}, {"my-items": Stream()}, {"items": {"key": "id"}}],
)
def test_a_bad_streams_declaration_fails_when_the_class_is_made(streams: object) -> None:
    with pytest.raises(TypeError, match="streams"):
        type("Bad", (LiveComponent,), {"streams": streams, "template": ""})


@register("test_stream_two_named")
class TwoNamed(LiveComponent):
    """Two streams named by variables in one template: an item goes with its own stream's body."""

    template = (
        "{% load liveview %}"
        '{% live_stream first as row tag="ul" %}<b>{{ row.text }}</b>{% endlive_stream %}'
        '{% live_stream second as row tag="ol" %}<i>{{ row.text }}</i>{% endlive_stream %}'
    )
    streams = {"news": Stream(key="id"), "notes": Stream(key="id")}

    def mount(self) -> None:
        self.first, self.second = "news", "notes"
        self.stream("news", [])
        self.stream("notes", [])

    @event
    def add(self, name: str) -> None:
        self.stream_insert(name, {"id": "1", "text": name})


def test_an_item_of_a_stream_named_by_a_variable_is_rendered_by_that_streams_body(
    htmx: int,
) -> None:
    page = Page(connected=True)
    page.mount("test_stream_two_named", "lv-1", {})
    doc = Document(f"<html><body>{page.render_all()}</body></html>")
    for name in ("news", "notes"):
        frame = page.dispatch("lv-1", "add", {"name": name})
        assert frame is not None
        doc.apply(frame)
    assert str(doc.one("#lv-1-news-1")) == '<div id="lv-1-news-1"><b>news</b></div>'
    assert str(doc.one("#lv-1-notes-1")) == '<div id="lv-1-notes-1"><i>notes</i></div>'


class StreamOtherEngine(LiveComponent):
    """Registered only while its test runs: its templates exist only in that test's engine
    (the system checks, run by other tests, would report them missing)."""

    template_name = "other_engine_board.html"
    stream_templates = ("other_engine_list.html",)
    streams = {"items": Stream(key="id")}

    def mount(self) -> None:
        self.stream("items", [])

    @event
    def add(self) -> None:
        self.stream_insert("items", {"id": "1", "text": "one"})


def test_an_included_stream_template_is_found_by_the_engine_of_the_components_template(
    htmx: int, settings: Any, tmp_path: Any
) -> None:
    """With several template engines, the templates named in `stream_templates` are those the
    component's own template includes: its engine's, not the first engine's."""
    (tmp_path / "other_engine_board.html").write_text(
        '<h2>Board</h2>{% include "other_engine_list.html" %}'
    )
    (tmp_path / "other_engine_list.html").write_text(
        '{% load liveview %}{% live_stream "items" as row tag="ul" item_tag="li" %}'
        "<b>{{ row.text }}</b>{% endlive_stream %}"
    )
    other = {"BACKEND": "django.template.backends.django.DjangoTemplates", "NAME": "other"}
    settings.TEMPLATES = [*settings.TEMPLATES, {**other, "DIRS": [tmp_path]}]
    registry.register("test_stream_other_engine", StreamOtherEngine)
    try:
        page = Page(connected=True)
        page.mount("test_stream_other_engine", "lv-1", {})
        doc = Document(f"<html><body>{page.render_all()}</body></html>")
        frame = page.dispatch("lv-1", "add", {})
    finally:
        registry.unregister("test_stream_other_engine")
    assert frame is not None
    doc.apply(frame)
    assert str(doc.one("#lv-1-items-1")) == '<li id="lv-1-items-1"><b>one</b></li>'
