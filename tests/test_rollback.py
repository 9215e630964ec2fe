"""A handler that raises leaves its component exactly as its event found it
(liveview.runtime.rollback): also when the copy it rolls back to was kept ready by the
socket's previous turn, and whatever ran between two events (a broadcast, a timer, a notice,
a change delivered while the reply was being sent, another failure)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_components import register

from liveview import LiveComponent, event
from liveview.authoring.keep import snapshot
from liveview.pubsub.publish import apublish
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime import rollback
from liveview.runtime.notify import listens
from liveview.socket import consumer as consumer_module
from liveview.socket.outbox import Outbox
from tests.support import LiveCommunicator, connect, shown

LEDGER = "/rollback-ledger/"
FAILED = "Something went wrong in add_then_fail."
#: What ran, in order: "handler" for each `add`, "copy" for each copy of the state taken.
ORDER: list[str] = []


@register("test_rollback_ledger")
class Ledger(LiveComponent):
    """A list its events, its broadcasts, its timer and its notices append to, in place."""

    template = "<p>{{ items|join:',' }}</p>"

    def mount(self) -> None:
        self.items = ["m"]

    def subscriptions(self) -> list[Subscription]:
        return [LEDGER]

    def resource_changed(self, change: ResourceChanged) -> None:
        self.items.append(f"changed {change.etag}")

    @event(on_loop=True)
    def add(self, item: str) -> None:
        ORDER.append("handler")
        self.items.append(item)

    @event(on_loop=True)
    def add_then_fail(self, item: str) -> None:
        self.items.append(item)
        raise RuntimeError("boom")

    @event(on_loop=True)
    def add_later(self, item: str) -> None:
        self.live.after(0, self.timed, item=item)

    def timed(self, item: str) -> None:
        self.items.append(item)

    @listens("noted")
    def noted(self, item: str) -> None:
        self.items.append(item)


@register("test_rollback_noter")
class Noter(LiveComponent):
    template = "<p>noter</p>"

    @event(on_loop=True)
    def note(self, item: str) -> None:
        self.live.notify("noted", item=item)


async def send(comm: LiveCommunicator, event_name: str, cid: str = "lv-1", **values: Any) -> str:
    await comm.send_to(text_data=json.dumps({"lv": cid, "event": event_name, **values}))
    frame: str = await comm.receive_from()
    return frame


async def ledger() -> tuple[LiveCommunicator, list[str]]:
    """A page of one Ledger, its frames so far (the connect's catch-up reloads it once)."""
    comm, first = await connect(("test_rollback_ledger", "lv-1", {}))
    frames = [first, await comm.receive_from()]
    assert "<p>m,changed None</p>" in shown(*frames)
    return comm, frames


async def test_a_failing_handler_leaves_the_state_its_event_found() -> None:
    comm, frames = await ledger()
    frames.append(await send(comm, "add", item="a"))
    frames.append(await send(comm, "add_then_fail", item="x"))
    assert FAILED in shown(*frames)
    assert "<p>m,changed None,a</p>" in shown(*frames)
    frames.append(await send(comm, "add", item="b"))
    assert "<p>m,changed None,a,b</p>" in shown(*frames)
    await comm.disconnect()


async def test_a_second_failure_in_a_row_rolls_back_as_the_first() -> None:
    """The first rollback put the copy's own objects back in the component: the second
    handler changes those, and must still find its own copy to go back to."""
    comm, frames = await ledger()
    frames.append(await send(comm, "add_then_fail", item="x"))
    frames.append(await send(comm, "add_then_fail", item="y"))
    frames.append(await send(comm, "add", item="a"))
    assert "<p>m,changed None,a</p>" in shown(*frames)
    await comm.disconnect()


async def test_a_failure_after_a_broadcast_keeps_what_the_broadcast_changed() -> None:
    comm, frames = await ledger()
    frames.append(await send(comm, "add", item="a"))
    await apublish(ResourceChanged("PUT", LEDGER, LEDGER, "e1"))
    frames.append(await comm.receive_from())
    assert "<p>m,changed None,a,changed e1</p>" in shown(*frames)
    frames.append(await send(comm, "add_then_fail", item="x"))
    assert FAILED in shown(*frames)
    frames.append(await send(comm, "add", item="b"))
    assert "<p>m,changed None,a,changed e1,b</p>" in shown(*frames)
    await comm.disconnect()


async def test_a_failure_after_a_timer_keeps_what_the_timer_changed() -> None:
    comm, frames = await ledger()
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "add_later", "item": "t"}))
    frames.append(await comm.receive_from())  # its reply changes nothing: the timer's frame
    assert "<p>m,changed None,t</p>" in shown(*frames)
    frames.append(await send(comm, "add_then_fail", item="x"))
    frames.append(await send(comm, "add", item="b"))
    assert "<p>m,changed None,t,b</p>" in shown(*frames)
    await comm.disconnect()


async def test_a_failure_after_another_component_s_notice_keeps_what_the_notice_changed() -> None:
    comm, first = await connect(
        ("test_rollback_ledger", "lv-1", {}), ("test_rollback_noter", "lv-2", {})
    )
    frames = [first, await comm.receive_from()]
    frames.append(await send(comm, "add", item="a"))
    frames.append(await send(comm, "note", cid="lv-2", item="n"))
    assert "<p>m,changed None,a,n</p>" in shown(*frames)
    frames.append(await send(comm, "add_then_fail", item="x"))
    frames.append(await send(comm, "add", item="b"))
    assert "<p>m,changed None,a,n,b</p>" in shown(*frames)
    await comm.disconnect()


class _DeliveringOutbox:
    """The socket's outbox, with a change delivered to its turn right as `after`'s reply goes
    out: the hub finds the turn busy and leaves the change for the turn's end."""

    def __init__(self, outbox: Outbox, consumer: consumer_module.LiveConsumer, after: str) -> None:
        self.outbox, self.consumer, self.after = outbox, consumer, after

    def push(self, frame: str, cause: Any) -> None:
        self.outbox.push(frame, cause)
        if self.after and self.after in frame:
            self.after = ""  # once
            change = ResourceChanged("PUT", LEDGER, LEDGER, "mid")
            self.consumer.turn.deferred.append(change)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.outbox, name)


async def test_a_failure_after_a_change_delivered_during_the_last_reply_keeps_that_change() -> None:
    comm, frames = await ledger()
    (consumer,) = [
        c
        for c in list(consumer_module._open)
        if isinstance(c.page and c.page.components.get("lv-1"), Ledger)
    ]
    consumer.outbox = _DeliveringOutbox(consumer.outbox, consumer, after="late")  # type: ignore[assignment]
    frames.append(await send(comm, "add", item="late"))
    frames.append(await comm.receive_from())  # the change, applied as the turn ended
    assert "<p>m,changed None,late,changed mid</p>" in shown(*frames)
    frames.append(await send(comm, "add_then_fail", item="x"))
    frames.append(await send(comm, "add", item="b"))
    assert "<p>m,changed None,late,changed mid,b</p>" in shown(*frames)
    await comm.disconnect()


async def test_an_event_right_after_the_same_component_s_event_copies_nothing_before_its_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The copy is taken after each reply instead: the first event, with none kept, copies
    before its handler as well."""
    comm, frames = await ledger()

    def counted(state: dict[str, Any]) -> dict[str, Any]:
        ORDER.append("copy")
        return snapshot(state)

    monkeypatch.setattr(rollback, "snapshot", counted)
    ORDER.clear()
    frames.append(await send(comm, "add", item="a"))
    frames.append(await send(comm, "add", item="b"))
    await comm.disconnect()  # after the second turn's end
    assert ORDER == ["copy", "handler", "copy", "handler", "copy"]
    assert "<p>m,changed None,a,b</p>" in shown(*frames)
