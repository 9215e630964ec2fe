"""Issue 12: someone else's write re-renders a component on the new data, keeping its UI state."""

from __future__ import annotations

from typing import Any

import pytest
from django_components import register

from liveview.component import LiveComponent
from liveview.events import event
from liveview.page import Page
from liveview.resources import ResourceChanged, Subscription
from project.polls.models import Poll

pytestmark = pytest.mark.django_db(transaction=True)


@register("test_keep_polls")
class PollsWithAModal(LiveComponent):
    template = "<p>{{ sorted|join:',' }} open={{ open }} sort={{ sort }}</p>"

    def mount(self, sort: str = "question") -> None:
        self.sort = sort
        self.open = False
        self.picked: list[int] = []
        self.questions = questions("question")
        self.count = len(self.questions)

    def extra_context(self) -> dict[str, Any]:
        return {"sorted": questions(self.sort)}

    def subscriptions(self) -> list[Subscription]:
        return [Poll]

    @event
    def open_modal(self) -> None:
        self.open = True

    @event
    def sort_by(self, column: str) -> None:
        self.sort = column  # the rows follow at render: extra_context reads the data again

    @event
    def pick(self, pk: int) -> None:
        self.picked.append(pk)  # changed in place

    @event
    def guess_count(self, count: int) -> None:
        self.count = count


def questions(order: str) -> list[str]:
    rows = Poll.objects.filter(question__startswith="T:").order_by(order)
    return [q.removeprefix("T:") for q in rows.values_list("question", flat=True)]


@register("test_keep_remount")
class Remounting(PollsWithAModal):
    remount_on_change = True


def open_page(name: str = "test_keep_polls") -> tuple[Page, Any]:
    page = Page(connected=True)
    comp = page.mount(name, "lv-1", {})
    page.render(comp, oob=True)
    return page, comp


def write(question: str) -> list[ResourceChanged]:
    poll = Poll.objects.create(question=f"T:{question}")
    return [ResourceChanged("POST", poll.uri, "/polls/", poll.etag)]


def test_regression_another_writers_change_keeps_an_open_modal_and_the_sort() -> None:
    write("B")
    page, comp = open_page()
    page.dispatch("lv-1", "open_modal", {})
    page.dispatch("lv-1", "pick", {"pk": 7})
    frame = page.changed(write("A"))
    assert comp.open is True and comp.picked == [7] and comp.sort == "question"
    assert comp.questions == ["A", "B"]  # the new data, mount's own value
    assert frame is not None and "A,B open=True" in frame


def test_state_an_event_set_and_the_data_changed_too_takes_the_new_data() -> None:
    page, comp = open_page()
    page.dispatch("lv-1", "guess_count", {"count": 40})
    page.changed(write("A"))
    assert comp.count == 1  # mount's count moved from 0 to 1: the data wins


def test_state_kept_once_stays_kept_across_later_changes() -> None:
    page, comp = open_page()
    page.dispatch("lv-1", "sort_by", {"column": "-question"})
    page.changed(write("A"))
    page.changed(write("B"))
    frame = page.changed(write("C"))
    assert comp.sort == "-question" and frame is not None and "C,B,A open=False" in frame


def test_an_untouched_component_is_pristine_after_a_change() -> None:
    page, comp = open_page()
    page.changed(write("A"))
    assert comp._lv_pristine
    page.dispatch("lv-1", "open_modal", {})
    page.changed(write("B"))
    assert not comp._lv_pristine  # it keeps state of its own: not shared with twins


def test_remount_on_change_drops_what_events_set() -> None:
    page, comp = open_page("test_keep_remount")
    page.dispatch("lv-1", "open_modal", {})
    page.changed(write("A"))
    assert comp.open is False and comp.questions == ["A"]
