"""What a DataPage follows (its subscriptions) after an event is what that event's render laid
out: the layout is built once per event, and a layout changed by an event, a notice, a
resource change or a tick is followed, never the blocks of a render from before the change."""

from __future__ import annotations

from typing import Any

import pytest
from django_components import register

from liveview import event
from liveview.data import Button, DataPage, Layout, Table, Text
from liveview.pubsub.resources import ResourceChanged, uri_of
from liveview.runtime import ticks
from liveview.runtime.notify import listens
from liveview.runtime.page import Page
from project.alerts.models import Alert
from project.explore.models import Sample

#: Every layout() call of a SwitchPage, by the model it showed.
LAID_OUT: list[str] = []


@register("test_follow_switch")
class SwitchPage(DataPage):
    """A table of samples or of alerts (`shows`), or one per name in `extra` (in place)."""

    shows: str = "samples"
    extra: list[str] = []

    def mount(self) -> None:
        self.shows = "samples"
        self.extra = []

    def layout(self) -> Layout:
        LAID_OUT.append(self.shows)
        model = Sample if self.shows == "samples" else Alert
        tables = [Table(Alert.objects.all(), key=f"x-{n}") for n in range(len(self.extra))]
        return [Text(self.shows), Table(model.objects.all(), key="t"), *tables]

    @event
    def switch(self, to: str) -> None:
        self.shows = to

    @event
    def nothing(self) -> None:
        """Changes nothing: the page renders the same layout."""

    @listens("show")
    def on_show(self, to: str) -> None:
        self.shows = to

    @listens("grow")
    def on_grow(self) -> None:
        self.extra.append("alerts")  # in place: the same list object

    def resource_changed(self, change: ResourceChanged) -> None:
        super().resource_changed(change)
        if change.collection == uri_of(Sample):
            self.shows = "alerts"


@register("test_follow_teller")
class Teller(DataPage):
    """Sends a notice its sibling listens to."""

    def layout(self) -> Layout:
        return Text("teller")

    @event
    def tell(self, name: str, **payload: Any) -> None:
        self.live.notify(name, **payload)


SAMPLES, ALERTS = uri_of(Sample), uri_of(Alert)


def mounted(*names: str) -> Page:
    page = Page(connected=True)
    for number, name in enumerate(names, start=1):
        page.mount(name, f"lv-{number}", {})
    page.render_all()
    return page


@pytest.mark.django_db
def test_an_event_that_changes_the_layout_follows_the_new_tables_model() -> None:
    page = mounted("test_follow_switch")
    assert page.topics() == {SAMPLES}
    page.dispatch("lv-1", "switch", {"to": "alerts"})
    assert page.topics() == {ALERTS}
    assert page.topics_changed
    page.dispatch("lv-1", "switch", {"to": "samples"})
    assert page.topics() == {SAMPLES}


@pytest.mark.django_db
def test_an_event_lays_the_page_out_once() -> None:
    page = mounted("test_follow_switch")
    LAID_OUT.clear()
    page.dispatch("lv-1", "nothing", {})
    assert LAID_OUT == ["samples"]  # the render's; the subscriptions are those blocks'
    LAID_OUT.clear()
    page.dispatch("lv-1", "switch", {"to": "alerts"})
    assert LAID_OUT == ["alerts"]
    assert page.topics() == {ALERTS}


@pytest.mark.django_db
def test_a_notice_that_changes_the_layout_is_followed() -> None:
    page = mounted("test_follow_teller", "test_follow_switch")
    page.dispatch("lv-1", "tell", {"name": "show", "to": "alerts"})
    assert page.topics() == {ALERTS}
    assert "alerts" in (page.components["lv-2"]._lv.html or "")


@pytest.mark.django_db
def test_a_notice_that_changes_the_state_in_place_is_followed() -> None:
    page = mounted("test_follow_teller", "test_follow_switch")
    page.dispatch("lv-1", "tell", {"name": "grow"})
    assert page.topics() == {SAMPLES, ALERTS}


@pytest.mark.django_db
def test_a_resource_change_that_changes_the_layout_is_followed() -> None:
    page = mounted("test_follow_switch")
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    page.changed([ResourceChanged("POST", sample.uri, SAMPLES, sample.etag)])
    assert page.topics() == {ALERTS}
    assert "alerts" in (page.components["lv-1"]._lv.html or "")


@pytest.mark.django_db
def test_a_failed_render_puts_the_state_back_and_follows_that_layout() -> None:
    page = mounted("test_follow_switch")
    original = SwitchPage.layout

    def failing(self: SwitchPage) -> Layout:
        blocks = original(self)
        if self.shows == "broken":
            raise RuntimeError("the layout failed")
        return blocks

    SwitchPage.layout = failing  # type: ignore[method-assign]
    try:
        frame = page.dispatch("lv-1", "switch", {"to": "broken"})
    finally:
        SwitchPage.layout = original  # type: ignore[method-assign]
    assert frame is not None and "lv-error" in frame
    comp = page.components["lv-1"]
    assert isinstance(comp, SwitchPage) and comp.shows == "samples"  # put back
    assert page.topics() == {SAMPLES}


@register("test_follow_own_change")
class OwnChange(SwitchPage):
    """Its resource_changed does not call DataPage's."""

    def resource_changed(self, change: ResourceChanged) -> None:
        self.extra.append("alerts")  # in place, the state not read first


@pytest.mark.django_db
def test_a_resource_change_of_a_subclass_that_does_not_call_super_is_followed() -> None:
    page = mounted("test_follow_own_change")
    sample = Sample.objects.create(name="Zed", species="Adelie", bill_length=40, body_mass=1)
    page.changed([ResourceChanged("POST", sample.uri, SAMPLES, sample.etag)])
    assert page.topics() == {SAMPLES, ALERTS}


@register("test_follow_ticking")
class Ticking(SwitchPage):
    """Each tick shows the alerts, with a button bound to no event: its render fails before
    it has laid the page out, and a tick's failed render keeps the state the tick made."""

    tick_every = 60.0

    def tick(self) -> None:
        self.shows = "alerts"

    def layout(self) -> Layout:
        blocks = super().layout()
        assert isinstance(blocks, list)
        return [*blocks, Button("Go", "nowhere")] if self.shows == "alerts" else blocks


@pytest.mark.django_db
def test_a_later_turn_never_follows_what_an_earlier_render_laid_out() -> None:
    page = mounted("test_follow_ticking")  # its first render laid out the samples' table
    frame = ticks.tick(page, 0.0, {})
    assert frame is not None and "lv-error" in frame  # the tick's render failed
    assert page.topics() == {ALERTS}
