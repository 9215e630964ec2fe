from __future__ import annotations

from typing import ClassVar

import pytest
from django.template import TemplateDoesNotExist
from django_components import Component, registry

from liveview import LiveComponent, event
from liveview.authoring.component import UnknownComponent, component_class
from liveview.runtime.page import Page


class Declared(LiveComponent):
    template = "{{ items }}"
    items: list[str] = []
    label: str = "x"
    kind: ClassVar[str] = "not state"

    @event
    def add(self, item: str) -> None:
        self.items.append(item)


def test_declared_defaults_are_state_and_copied_per_instance() -> None:
    page = Page()
    a = Declared.new_live(page, "declared", "lv-1", {})
    b = Declared.new_live(page, "declared", "lv-2", {})
    a.items.append("only a")
    assert b.items == []
    assert a.live_state() == {"items": ["only a"], "label": "x"}


def test_the_default_mount_stores_its_arguments() -> None:
    comp = Declared.new_live(Page(), "declared", "lv-1", {"label": "y", "extra": 3})
    assert comp.live_state() == {"items": [], "label": "y", "extra": 3}


def test_the_default_mount_refuses_private_names() -> None:
    with pytest.raises(TypeError, match="private"):
        Declared.new_live(Page(), "declared", "lv-1", {"_lv_page": None})


def test_events_are_collected_from_the_class_and_its_bases() -> None:
    class More(Declared):
        @event
        def clear(self) -> None:
            self.items = []

    assert set(More._lv_events) == {"add", "clear"}


def test_overriding_an_event_without_the_decorator_makes_it_uncallable() -> None:
    class Quiet(Declared):
        def add(self, item: str) -> None:
            pass

    assert "add" not in Quiet._lv_events


@pytest.mark.parametrize("name", ["mount", "render", "_hidden", "dispatch"])
def test_reserved_or_private_names_cannot_be_events(name: str) -> None:
    def handler(self: LiveComponent) -> None:
        pass

    with pytest.raises(TypeError, match="cannot be an @event"):
        type("Bad", (LiveComponent,), {name: event(handler), "template": ""})


def test_a_failed_event_rolls_back_mutated_lists() -> None:
    class Fails(Declared):
        @event
        def add_then_fail(self) -> None:
            self.items.append("half")
            raise ValueError("no")

    page = Page(connected=True)
    comp = Fails.new_live(page, "fails", "lv-1", {})
    page.components["lv-1"] = comp
    page.dispatch("lv-1", "add_then_fail", {})
    assert comp.items == []


def test_a_component_without_a_template_is_a_clear_error() -> None:
    class NoTemplate(LiveComponent):
        pass

    page = Page()
    comp = NoTemplate.new_live(page, "none", "lv-1", {})
    with pytest.raises(TypeError, match="has no template_name, template_file or template"):
        page.render(comp, oob=False)


def test_a_missing_template_names_the_component_at_first_render() -> None:
    class Lost(LiveComponent):
        template_name = "nowhere/lost.html"

    page = Page()
    comp = Lost.new_live(page, "lost", "lv-1", {})
    expected = "nowhere/lost.html .the template of live component .*Lost"
    with pytest.raises(TemplateDoesNotExist, match=expected):
        page.render(comp, oob=False)


def test_an_unregistered_name_says_how_to_register_it() -> None:
    with pytest.raises(UnknownComponent, match=r'@register\("no_such_thing"\)'):
        component_class("no_such_thing")


def test_a_registered_plain_component_says_to_subclass_live_component() -> None:
    class Plain(Component):
        template = "<p>plain</p>"

    registry.register("test_plain", Plain)
    try:
        with pytest.raises(UnknownComponent, match="subclass liveview.LiveComponent"):
            component_class("test_plain")
    finally:
        registry.unregister("test_plain")


def test_a_property_over_an_event_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Hidden.total: @property above @event"):

        class Hidden(LiveComponent):
            @property
            @event
            def total(self) -> int:
                return 1


def test_a_staticmethod_over_an_event_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match="remove @staticmethod"):
        type("Hidden", (LiveComponent,), {"ping": staticmethod(event(lambda self: None))})
