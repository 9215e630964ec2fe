from __future__ import annotations

from typing import ClassVar

import pytest

from liveview import LiveComponent, event
from liveview.page import Page


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
