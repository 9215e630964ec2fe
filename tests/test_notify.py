"""Messages between the components of one page: `notify`, `send_to`, `@listens`, `is_mine`."""

from __future__ import annotations

import pytest
from django_components import register

from liveview import LiveComponent, event
from liveview.pubsub.publish import apublish, changed
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.notify import MAX_NOTICES, NoticeError, listens
from liveview.runtime.page import Page
from tests.support import connect, sent_to, shown


@register("test_note_sender")
class Sender(LiveComponent):
    template = "<p>sent={{ sent }}</p>"
    sent: int = 0

    @event
    def create(self, pk: int) -> None:
        self.sent += 1
        self.live.notify("item-created", pk=pk)

    @event
    def create_then_fail(self) -> None:
        self.live.notify("item-created", pk=99)
        raise ValueError("no")

    @event
    def tell_one(self, target: str) -> None:
        self.live.send_to(target, "item-created", pk=7)

    @event
    def quiet(self) -> None:
        self.sent += 1


@register("test_note_list")
class Listener(LiveComponent):
    template = "<ul>{% for pk in pks %}<li>{{ pk }}</li>{% endfor %}</ul>"
    pks: list[int] = []

    @listens("item-created")
    def add(self, pk: int) -> None:
        if pk == 13:
            raise ValueError("unlucky")
        self.pks.append(pk)


@register("test_note_other")
class Bystander(LiveComponent):
    template = "<p>bystander</p>"


@register("test_note_echo")
class Echo(LiveComponent):
    """Answers every notice with another: a loop the turn must stop."""

    template = "<p>{{ heard }}</p>"
    heard: int = 0

    @event
    def start(self) -> None:
        self.live.notify("ping")

    @listens("ping")
    def ping(self) -> None:
        self.heard += 1
        self.live.notify("ping")


def page_of(*names: str) -> Page:
    page = Page(connected=True)
    for i, name in enumerate(names, 1):
        page.mount(name, f"lv-{i}", {})
    page.render_all()
    return page


def test_a_notice_runs_every_listener_in_the_same_turn_and_renders_it_once() -> None:
    page = page_of("test_note_sender", "test_note_list", "test_note_list", "test_note_other")
    frame = page.dispatch("lv-1", "create", {"pk": "5"})
    assert frame is not None
    sent = sent_to(frame)
    assert sent.count("lv-2") == 1 and sent.count("lv-3") == 1
    assert frame.count("<li>5</li>") == 2
    assert "lv-4" not in sent  # listens to nothing: not rendered, not sent
    assert sent.index("lv-1") < sent.index("lv-2")  # the acting component first


def test_a_failed_event_sends_nothing() -> None:
    page = page_of("test_note_sender", "test_note_list")
    frame = page.dispatch("lv-1", "create_then_fail", {})
    assert frame is not None and 'id="lv-2"' not in frame
    assert page.components["lv-2"].pks == []  # type: ignore[attr-defined]
    page.dispatch("lv-1", "quiet", {})  # nor later, with the next event
    assert page.components["lv-2"].pks == []  # type: ignore[attr-defined]


def test_a_failing_listener_shows_its_error_and_keeps_its_state() -> None:
    page = page_of("test_note_sender", "test_note_list", "test_note_list")
    page.dispatch("lv-1", "create", {"pk": "1"})
    frame = page.dispatch("lv-1", "create", {"pk": "13"})
    assert frame is not None and frame.count("Something went wrong while updating.") == 2
    assert "lv-1" in sent_to(frame) and "sent=2" in frame  # the sender's event succeeded
    assert page.components["lv-2"].pks == [1]  # type: ignore[attr-defined]


def test_send_to_reaches_one_component_by_dom_id_or_all_by_name() -> None:
    page = page_of("test_note_sender", "test_note_list", "test_note_list")
    page.dispatch("lv-1", "tell_one", {"target": "lv-3"})
    assert page.components["lv-2"].pks == []  # type: ignore[attr-defined]
    assert page.components["lv-3"].pks == [7]  # type: ignore[attr-defined]
    page.dispatch("lv-1", "tell_one", {"target": "test_note_list"})
    assert page.components["lv-2"].pks == [7]  # type: ignore[attr-defined]


def test_listeners_in_a_loop_stop_with_an_error() -> None:
    page = page_of("test_note_echo")
    frame = page.dispatch("lv-1", "start", {})
    assert frame is not None and "Something went wrong while updating." in frame
    assert page.components["lv-1"].heard == MAX_NOTICES - 1  # type: ignore[attr-defined]


def test_notify_outside_a_turn_is_a_clear_error() -> None:
    page = page_of("test_note_sender")
    with pytest.raises(NoticeError, match="outside a turn"):
        page.notify("item-created", pk=1)


def test_a_listener_cannot_be_async() -> None:
    with pytest.raises(TypeError, match="plain def"):

        @listens("x")
        async def handler() -> None: ...


def test_a_listener_is_not_callable_from_the_browser() -> None:
    page = page_of("test_note_list")
    frame = page.dispatch("lv-1", "add", {"pk": "1"})
    assert frame is not None and "Unknown event" in frame


def test_is_mine_tells_the_pages_own_changes() -> None:
    page = page_of("test_note_other")
    mine = ResourceChanged("PUT", "/x/1", "/x/", "e", origin=page.key)
    theirs = changed("PUT", "/x/1", "/x/", "e")
    assert page.is_mine(mine) and not page.is_mine(theirs)
    assert not Page(connected=True).is_mine(mine)


@register("test_note_deaf")
class Deaf(Listener):
    """Overrides the listener without @listens: it no longer listens."""

    def add(self, pk: int) -> None:
        raise AssertionError("a method overridden without @listens ran")


def test_a_listener_overridden_without_listens_no_longer_listens() -> None:
    page = page_of("test_note_sender", "test_note_deaf")
    frame = page.dispatch("lv-1", "create", {"pk": "2"})
    assert frame is not None and 'id="lv-2"' not in frame


def test_send_to_a_component_of_another_page_is_refused() -> None:
    page = page_of("test_note_sender")
    other = page_of("test_note_list").components["lv-1"]
    page.mailbox.open = True
    with pytest.raises(TypeError, match="another page"):
        page.send_to(other, "item-created", pk=1)


@register("test_note_watcher")
class Watcher(LiveComponent):
    """Shows a URI, and tells the page when it changes: a notice sent in a broadcast's turn."""

    template = "<p>changes={{ changes }}</p>"
    changes: int = 0

    def subscriptions(self) -> list[str]:
        return ["/note-test/1"]

    def resource_changed(self, change: ResourceChanged) -> None:
        self.changes += 1
        self.live.notify("item-created", pk=self.changes)


def test_a_notice_sent_in_a_broadcasts_turn_is_delivered_in_it() -> None:
    page = page_of("test_note_watcher", "test_note_list")
    frame = page.changed([changed("PUT", "/note-test/1", "/note-test/", "e1")])
    assert frame is not None and "changes=1" in frame and "<li>1</li>" in frame
    assert sent_to(frame).count("lv-2") == 1


async def test_a_notice_sent_in_a_hub_delivery_reaches_the_pages_listeners() -> None:
    comm, mounted = await connect(("test_note_watcher", "lv-1", {}), ("test_note_list", "lv-2", {}))
    first = await comm.receive_from()  # the connect's catch-up reloads what it shows, once
    assert "changes=1" in first and "<li>1</li>" in first
    await apublish(ResourceChanged("PUT", "/note-test/1", "/note-test/", "e2"))
    frame = await comm.receive_from()
    assert "changes=2" in frame
    assert "<li>1</li><li>2</li>" in shown(mounted, first, frame, cid="lv-2")
    await comm.disconnect()
