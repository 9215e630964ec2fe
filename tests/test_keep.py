"""Issue 12: someone else's write re-renders a component on the new data, keeping its UI state."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django_components import register

from liveview.authoring.component import LiveComponent
from liveview.authoring.events import event
from liveview.core.token import Binding, ComponentSpec, PageToken, TokenError
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime.page import Page
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
    assert comp._lv.pristine
    page.dispatch("lv-1", "open_modal", {})
    page.changed(write("B"))
    assert not comp._lv.pristine  # it keeps state of its own: not shared with twins


def test_remount_on_change_drops_what_events_set() -> None:
    page, comp = open_page("test_keep_remount")
    page.dispatch("lv-1", "open_modal", {})
    page.changed(write("A"))
    assert comp.open is False and comp.questions == ["A"]


# -- kept across reconnects ------------------------------------------------------------------


@register("test_keep_sorter")
class Sorter(LiveComponent):
    template = "<p>{{ sort }} {{ page }}</p>"
    kept = ("sort", "page")
    sort: str = ""
    page: int = 1
    secret: str = "server's"

    @event
    def sort_by(self, column: str) -> None:
        self.sort = column


def reconnected(kept: dict[str, Any]) -> tuple[Page, Any]:
    page = Page(connected=True)
    spec = ComponentSpec("test_keep_sorter", "lv-1", {}, kept=kept)
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
    return page, page.components["lv-1"]


def test_a_reconnect_applies_the_kept_state_the_token_carries() -> None:
    _, comp = reconnected({"sort": "name", "page": "3"})
    assert (comp.sort, comp.page) == ("name", 3)  # coerced like an event's arguments


def test_kept_state_that_does_not_fit_is_ignored_as_a_whole() -> None:
    _, comp = reconnected({"sort": "name", "page": "three"})
    assert (comp.sort, comp.page) == ("", 1)


def test_only_declared_names_are_ever_set_from_a_token() -> None:
    _, comp = reconnected({"sort": "name", "secret": "client's", "_lv_id": "x"})
    assert comp.secret == "server's" and comp._lv.id == "lv-1" and comp.sort == "name"


def test_an_event_that_changes_kept_state_renews_the_token_once() -> None:
    page, _ = reconnected({})
    assert page.renewed_token() is None
    page.dispatch("lv-1", "sort_by", {"column": "age"})
    signed = page.renewed_token()
    assert signed is not None and page.renewed_token() is None
    token = PageToken.verify(signed)
    assert token.components[0].kept == {"sort": "age", "page": 1}
    first = page.mounted_from
    assert first is not None
    assert (token.page, token.binding, token.issued) == (first.page, first.binding, first.issued)
    assert not token.binding.admits(Binding.of(None, None, "another browser"))


def test_a_renewed_token_expires_when_the_first_one_does() -> None:
    page, _ = reconnected({})
    page.dispatch("lv-1", "sort_by", {"column": "age"})
    assert page.mounted_from is not None
    old = replace(page.mounted_from, issued=page.mounted_from.issued - 100)  # type: ignore[operator]
    page.mounted_from = old
    page.dispatch("lv-1", "sort_by", {"column": "name"})
    signed = page.renewed_token()
    assert signed is not None
    with pytest.raises(TokenError, match="expired"):
        PageToken.verify(signed, max_age=50)


def test_kept_must_name_annotated_attributes() -> None:
    with pytest.raises(TypeError, match="annotate it"):

        class Unannotated(LiveComponent):
            kept = ("sort",)

            def mount(self) -> None:
                self.sort = ""
