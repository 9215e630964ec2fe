from __future__ import annotations

from typing import ClassVar, TypeVar

import pytest
from django.template import TemplateDoesNotExist
from django_components import Component, registry

from liveview import LiveComponent, event
from liveview.authoring.component import UnknownComponent, component_class
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.pubsub.publish import changed
from liveview.runtime.page import Page
from tests.components import STORE

C = TypeVar("C", bound=LiveComponent)


class Declared(LiveComponent):
    template = "{{ items }}"
    items: list[str] = []
    label: str = "x"
    kind: ClassVar[str] = "not state"

    @event
    def add(self, item: str) -> None:
        self.items.append(item)


def live(cls: type[C], page: Page, cid: str, **kwargs: object) -> C:
    """An instance of `cls` mounted on `page` (with a record of it) without registering it."""
    return cls.new_live(page.new_record(ComponentSpec(name=cls.__name__, id=cid, kwargs=kwargs)))


def test_declared_defaults_are_state_and_copied_per_instance() -> None:
    page = Page()
    a = live(Declared, page, "lv-1")
    b = live(Declared, page, "lv-2")
    a.items.append("only a")
    assert b.items == []
    assert a.live_state() == {"items": ["only a"], "label": "x"}


def test_the_default_mount_stores_its_arguments() -> None:
    comp = live(Declared, Page(), "lv-1", label="y", extra=3)
    assert comp.live_state() == {"items": [], "label": "y", "extra": 3}


def test_the_default_mount_refuses_private_names() -> None:
    with pytest.raises(TypeError, match="private"):
        live(Declared, Page(), "lv-1", _lv=None)


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
    comp = live(Fails, page, "lv-1")
    page.records["lv-1"] = comp._lv
    page.dispatch("lv-1", "add_then_fail", {})
    assert comp.items == []


def test_a_component_without_a_template_is_a_clear_error() -> None:
    class NoTemplate(LiveComponent):
        pass

    page = Page()
    comp = live(NoTemplate, page, "lv-1")
    with pytest.raises(TypeError, match="has no template_name, template_file or template"):
        page.render(comp, oob=False)


def test_a_missing_template_names_the_component_at_first_render() -> None:
    class Lost(LiveComponent):
        template_name = "nowhere/lost.html"

    page = Page()
    comp = live(Lost, page, "lv-1")
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


def test_a_live_instance_carries_only_its_state_and_its_record() -> None:
    page = Page(connected=True)
    specs = (
        ComponentSpec("test_greeter", "lv-1", {}),
        ComponentSpec("test_watcher", "lv-2", {"uri": "/things/1"}),
        ComponentSpec("test_parent", "lv-3", {"title": "T", "children": [1, 2]}),
    )
    page.mount_token(PageToken.new(specs, Binding.of(None, None, "x")))
    page.render_all()
    page.dispatch("lv-1", "rename", {"name": "Ada"})
    page.dispatch("lv-1", "explode", {})  # an error banner is the record's, not the state's
    STORE["/things/1"] = 2
    page.changed([changed("PUT", "/things/1", "/things/", "2")])
    assert set(page.components) == {"lv-1", "lv-2", "lv-3", "lv-3-1", "lv-3-2"}
    for cid, comp in page.components.items():
        assert set(vars(comp)) - set(comp.live_state()) == {"_lv"}, cid
        assert comp._lv is page.records[cid] and comp._lv.component is comp
    assert page.records["lv-1"].error is not None and page.records["lv-2"].html is not None


@pytest.mark.parametrize("name", ["live", "_lv"])
def test_a_class_may_not_take_the_frameworks_own_names(name: str) -> None:
    with pytest.raises(TypeError, match=f"Bad.{name}: '{name}' is LiveComponent's own"):
        type("Bad", (LiveComponent,), {name: 1, "template": ""})
    with pytest.raises(TypeError, match=f"Bad.{name}: '{name}' is LiveComponent's own"):
        type("Bad", (LiveComponent,), {"__annotations__": {name: "int"}, "template": ""})


def test_the_default_mount_refuses_the_frameworks_own_names() -> None:
    with pytest.raises(TypeError, match="mount argument 'live' is LiveComponent's own"):
        live(Declared, Page(), "lv-1", live=1)
