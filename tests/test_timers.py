"""One-shot timers: `self.live.after(seconds, self.method, **kwargs)`, run in the page's turn."""

from __future__ import annotations

import asyncio

import pytest
from django.test import override_settings
from django_components import register

from liveview import LiveComponent, event
from liveview.core import metrics
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime.notify import listens
from liveview.runtime.page import Page
from liveview.runtime.timers import TimerError
from liveview.testing.dom import Document
from tests.support import connect, next_shown


@register("test_timer_toast")
class Toast(LiveComponent):
    """Shows a message, then hides it: `after` set in an event."""

    template = "<p>{{ text }}</p>"
    text: str = ""

    @event
    def show(self, text: str, seconds: float = 0.01) -> None:
        self.text = text
        self.live.after(seconds, self.hide, was=text)

    def hide(self, was: str) -> None:
        if self.text == was:
            self.text = ""

    def _private(self) -> None: ...

    @event
    def show_and_cancel(self) -> None:
        self.text = "kept"
        self.live.after(0, self.hide, was="kept").cancel()
        self.live.after(0.01, self.later)

    def later(self) -> None:
        self.text = "later"


@register("test_timer_mounted")
class Mounted(LiveComponent):
    """Sets a timer in mount: runs once the socket is open, never on the HTTP render."""

    template = "<p>{{ state }}</p>"

    def mount(self) -> None:
        self.state = "waiting"
        self.live.after(0.01, self.ring)

    def ring(self) -> None:
        self.state = "rang"
        self.live.notify("rang")


@register("test_timer_bell")
class Bell(LiveComponent):
    template = "<p>heard={{ heard }}</p>"
    heard: int = 0

    @listens("rang")
    def count(self) -> None:
        self.heard += 1


@register("test_timer_slow")
class Slow(LiveComponent):
    template = "<p>slow</p>"

    def mount(self) -> None:
        self.live.after(60, self.never)

    def never(self) -> None:
        raise AssertionError("a cancelled timer ran")


@register("test_timer_bad")
class Bad(LiveComponent):
    template = "<p>{{ n }}</p>"
    n: int = 0

    @event
    def many(self, count: int) -> None:
        for _ in range(count):
            self.live.after(60, self.boom)
        self.n = count

    def boom(self) -> None:
        raise ValueError("boom")

    @event
    def soon(self) -> None:
        self.n += 1
        self.live.after(0, self.boom)


def timer_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "liveview-timer"]


async def test_a_timer_set_by_an_event_runs_once_and_is_sent() -> None:
    comm, first = await connect(("test_timer_toast", "lv-1", {}))
    page = Document(first)
    await comm.send_json_to({"lv": "lv-1", "event": "show", "text": "Saved"})
    assert "<p>Saved</p>" in await next_shown(comm, page)
    assert "<p></p>" in await next_shown(comm, page)  # the timer's turn
    await comm.disconnect()


async def test_a_timers_frame_is_counted_under_its_method() -> None:
    metrics.reset()
    comm, _ = await connect(("test_timer_toast", "lv-1", {}))
    await comm.send_json_to({"lv": "lv-1", "event": "show", "text": "Saved"})
    await comm.receive_from()
    await comm.receive_from()  # the timer's turn
    assert ("Toast", "after:hide") in metrics.metrics.bytes_by_event
    await comm.disconnect()


async def test_a_cancelled_timer_never_runs() -> None:
    comm, first = await connect(("test_timer_toast", "lv-1", {}))
    page = Document(first)
    await comm.send_json_to({"lv": "lv-1", "event": "show_and_cancel"})
    assert "<p>kept</p>" in await next_shown(comm, page)
    # The first timer, due at once, would have emptied it before the second one ran.
    assert "<p>later</p>" in await next_shown(comm, page)
    await comm.disconnect()


async def test_a_timer_set_in_mount_runs_on_the_socket_and_its_notice_reaches_listeners() -> None:
    comm, first = await connect(("test_timer_mounted", "lv-1", {}), ("test_timer_bell", "lv-2", {}))
    assert "waiting" in first
    page = Document(first)
    assert "<p>rang</p>" in await next_shown(comm, page)
    assert "heard=1" in str(page.one("#lv-2"))
    await comm.disconnect()


def test_a_timer_set_on_the_first_http_render_is_inert() -> None:
    page = Page()
    comp = page.mount("test_timer_mounted", "lv-1", {})
    assert isinstance(comp, Mounted)
    assert page.timers == [] and comp.state == "waiting"


async def test_closing_the_socket_cancels_its_timers() -> None:
    comm, _ = await connect(("test_timer_slow", "lv-1", {}))
    await comm.send_json_to({"lv": "lv-1", "event": "nothing"})  # a turn: armed by now
    await comm.receive_from()
    from liveview.socket.consumer import open_pages

    (page,) = open_pages()
    (timer,) = page.timers
    assert timer.handle is not None
    await comm.disconnect()
    assert timer.cancelled and timer.handle.cancelled()


async def test_a_page_holds_a_bounded_number_of_timers() -> None:
    with override_settings(LIVEVIEW_MAX_TIMERS=3):
        comm, _ = await connect(("test_timer_bad", "lv-1", {}))
        await comm.send_json_to({"lv": "lv-1", "event": "many", "count": 3})
        assert ">3<" in await comm.receive_from()
        await comm.send_json_to({"lv": "lv-1", "event": "many", "count": 1})
        frame = await comm.receive_from()
        assert "Something went wrong in many." in frame and ">3<" in frame
        await comm.disconnect()


async def test_a_failing_timer_shows_its_error_and_keeps_the_socket() -> None:
    comm, _ = await connect(("test_timer_bad", "lv-1", {}))
    await comm.send_json_to({"lv": "lv-1", "event": "soon"})
    assert ">1<" in await comm.receive_from()
    frame = await comm.receive_from()
    assert "Something went wrong in boom." in frame and ">1<" in frame
    await comm.send_json_to({"lv": "lv-1", "event": "many", "count": 0})
    assert "<p>0</p>" in await comm.receive_from()
    await comm.disconnect()


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf"), 86_401, "1", True])
def test_a_bad_delay_is_refused(seconds: object) -> None:
    page = Page(connected=True)
    toast = page.mount("test_timer_toast", "lv-1", {})
    assert isinstance(toast, Toast)
    with pytest.raises(TimerError, match="delay"):
        page.after(seconds, toast.hide, was="")  # type: ignore[arg-type]


def test_a_handler_must_be_a_public_method_of_a_component_of_the_page() -> None:
    page = Page(connected=True)
    toast = page.mount("test_timer_toast", "lv-1", {})
    other = Page(connected=True).mount("test_timer_toast", "lv-1", {})
    assert isinstance(toast, Toast) and isinstance(other, Toast)
    with pytest.raises(TimerError, match="method of a component of this page"):
        page.after(1, print)
    with pytest.raises(TimerError, match="method of a component of this page"):
        page.after(1, other.hide, was="")
    with pytest.raises(TimerError, match="not a public method"):
        page.after(1, toast._private)


@register("test_timer_on_change")
class OnChange(LiveComponent):
    """Sets a timer from `resource_changed`, in a broadcast's turn."""

    template = "<p>{{ state }}</p>"
    state: str = "idle"

    def subscriptions(self) -> list[str]:
        return ["/timer-test/1"]

    def resource_changed(self, change: ResourceChanged) -> None:
        self.state = "changed"
        self.live.after(0, self.settle)

    def settle(self) -> None:
        self.state = "settled"


async def test_a_timer_set_in_a_broadcasts_turn_runs_without_waiting_for_an_event() -> None:
    comm, first = await connect(("test_timer_on_change", "lv-1", {}))
    page = Document(first)
    # The connect's catch-up reloads what it shows once (armed by the connect itself).
    assert "<p>changed</p>" in await next_shown(comm, page)
    assert "<p>settled</p>" in await next_shown(comm, page)
    await apublish(ResourceChanged("PUT", "/timer-test/1", "/timer-test/", "e1"))
    assert "<p>changed</p>" in await next_shown(comm, page)
    assert "<p>settled</p>" in await next_shown(comm, page)
    await comm.disconnect()
