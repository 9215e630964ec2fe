from __future__ import annotations

import pytest

from liveview.data import Button, Column, Heading, Link, Row, Table, Text
from liveview.data.blocks import flatten


def test_flatten_takes_nested_lists_and_leaves_out_none() -> None:
    a, b, c = Text("a"), Text("b"), Text("c")
    assert list(flatten([a, None, [b, [c]]])) == [a, b, c]


def test_flatten_refuses_what_is_not_a_block() -> None:
    with pytest.raises(TypeError, match="not 'hello'"):
        list(flatten(["hello"]))


def test_walk_visits_nested_blocks_in_render_order() -> None:
    a, b, c = Text("a"), Text("b"), Text("c")
    layout = Column(a, Row(b, c))
    assert [x.text for x in layout.walk() if isinstance(x, Text)] == ["a", "b", "c"]


def test_a_heading_level_outside_one_to_six_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 6"):
        Heading("x", level=7)


def test_a_button_names_its_event_from_a_method() -> None:
    class Page:
        def add_sample(self) -> None: ...

    assert Button("Add", Page().add_sample).event_name == "add_sample"


def test_a_table_subscribes_to_its_live_model() -> None:
    from project.explore.models import Sample

    assert list(Table(Sample.objects.all()).subscriptions()) == [Sample]


def test_a_table_of_dicts_subscribes_to_nothing() -> None:
    assert list(Table([{"a": 1}]).subscriptions()) == []


def test_a_link_to_javascript_becomes_a_dead_link() -> None:
    from django.template.loader import render_to_string

    html = render_to_string(Link.template_name, {"block": Link("x", "javascript:alert(1)")})
    assert 'href="#"' in html


def test_text_and_headings_are_escaped() -> None:
    from django.template.loader import render_to_string

    for block in (Text("<script>x</script>"), Heading("<script>x</script>", level=3)):
        html = render_to_string(block.template_name, {"block": block})
        assert "<script>" not in html and "&lt;script&gt;x" in html
