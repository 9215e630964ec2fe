"""The server acknowledges each applied event by its `lv_seq`, so the glue knows which of the
user's input the server holds (and may render) and which it must keep (see liveview.js)."""

from __future__ import annotations

import json
import re
from typing import Any

from django_components import register

from liveview import LiveComponent, event
from liveview.runtime.render import ack_comment, read_ack
from liveview.socket.protocol import parse_event
from tests.support import LiveCommunicator, Spec, communicator, connect, token

GREETER: Spec = ("test_greeter", "lv-1", {})
SORTER: Spec = ("test_ack_sorter", "lv-1", {})


@register("test_ack_sorter")
class Sorter(LiveComponent):
    """Its sort is kept across reconnects: changing it renews the page token."""

    template = "<p>{{ sort }}</p>"
    kept = ("sort",)
    sort: str = ""

    @event
    def sort_by(self, column: str) -> None:
        self.sort = column


async def raw_frame(comm: LiveCommunicator) -> str:
    """The next frame as sent, epoch element included."""
    message = await comm.receive_output(timeout=10)
    text: str = message["text"]
    return text


def numbered(comm: LiveCommunicator, seq: Any, **values: Any) -> str:
    return json.dumps({"lv": "lv-1", "lv_v": comm.epoch, "lv_seq": seq, **values})


def test_lv_seq_is_envelope_not_a_handler_argument() -> None:
    message = parse_event(json.dumps({"lv": "lv-1", "event": "e", "lv_seq": 7, "n": 1}))
    assert message.seq == 7 and message.values == {"n": 1}


def test_an_lv_seq_that_is_not_a_count_is_ignored() -> None:
    for bad in (True, -1, "7", 1.5, None, [1]):
        frame = {"lv": "lv-1", "event": "e", "lv_seq": bad}
        message = parse_event(json.dumps(frame))
        assert message.seq is None and message.values == {}


async def test_an_applied_event_is_acknowledged_by_a_comment_at_the_end_of_its_frame() -> None:
    """No DOM swap for the acknowledgement: the glue reads it from the frame's text."""
    comm, _ = await connect(GREETER)
    await comm.send_to(text_data=numbered(comm, 3, event="rename", name="Ada"), stamp=False)
    frame = await raw_frame(comm)
    assert "Hello Ada" in frame
    assert frame.endswith("<!--lv:3-->")
    assert "lv-epoch" not in frame
    await comm.disconnect()


async def test_an_event_that_changes_nothing_is_acknowledged_by_the_comment_alone() -> None:
    comm, _ = await connect(GREETER)
    await comm.send_to(text_data=numbered(comm, 4, event="same"), stamp=False)
    assert await raw_frame(comm) == "<!--lv:4-->"
    await comm.disconnect()


async def test_a_reply_that_renews_the_token_carries_the_epoch_element() -> None:
    """The renewed token must stay in the page for a reconnect: the element, acknowledging too."""
    comm, _ = await connect(SORTER)
    await comm.send_to(text_data=numbered(comm, 5, event="sort_by", column="age"), stamp=False)
    frame = await raw_frame(comm)
    element = re.search(
        r'<div id="lv-epoch" hidden data-v="([^"]*)" data-ack="5" data-t="[^"]+"', frame
    )
    assert element and element.group(1) == comm.epoch
    assert frame.endswith("></div>") and "<!--lv:" not in frame
    await comm.send_to(text_data=numbered(comm, 6, event="sort_by", column="age"), stamp=False)
    assert await raw_frame(comm) == "<!--lv:6-->"  # nothing renewed
    await comm.disconnect()


async def test_an_event_without_a_number_is_not_acknowledged() -> None:
    comm, _ = await connect(GREETER)
    await comm.send_to(text_data=numbered(comm, None, event="rename", name="Ada"), stamp=False)
    frame = await raw_frame(comm)
    assert "Hello Ada" in frame and "<!--lv:" not in frame and "lv-epoch" not in frame
    await comm.disconnect()


async def test_the_connect_frame_carries_the_epoch_element() -> None:
    comm = communicator(token(GREETER))
    assert (await comm.connect())[0]
    first = await raw_frame(comm)
    assert re.search(
        r'<div id="lv-epoch" hidden data-v="[0-9a-f]+" hx-swap-oob="[^"]+"></div>$', first
    )
    assert "<!--lv:" not in first
    await comm.disconnect()


def test_the_comment_is_read_back_from_the_end_of_a_frame() -> None:
    assert read_ack("<p>x</p><!--lv:12-->") == 12
    assert read_ack(ack_comment(3) + ack_comment(4)) == 4
    for none in (
        "",
        "<p>lv</p>",
        "<!--lv:-->",
        "<!--lv:x-->",
        "<!--lv:１２-->",  # digits, but not ASCII
        "<!--lv:12--><p>x</p>",  # not at the end: a template's own comment
        "<!--lv:12",
    ):
        assert read_ack(none) is None


async def test_a_refused_stale_event_is_not_acknowledged() -> None:
    comm, _ = await connect(GREETER)
    stale = json.dumps({"lv": "lv-1", "lv_v": "old", "lv_seq": 5, "event": "rename", "name": "X"})
    await comm.send_to(text_data=stale, stamp=False)
    frame = await raw_frame(comm)
    assert "was reconnecting" in frame and "data-ack" not in frame and "<!--lv:" not in frame
    await comm.disconnect()


async def test_an_event_without_an_epoch_is_refused_not_applied() -> None:
    """The glue stamps every event with its epoch: a frame without one did not come through a
    live page's glue (htmx 2 firing a debounce from a replaced element), so it is refused, visibly,
    like a stale one, never applied."""
    comm, _ = await connect(GREETER)
    bare = json.dumps({"lv": "lv-1", "event": "rename", "name": "X"})
    await comm.send_to(text_data=bare, stamp=False)
    frame = await raw_frame(comm)
    assert "was reconnecting" in frame and "Hello X" not in frame
    assert "data-ack" not in frame and "<!--lv:" not in frame
    await comm.send_to(text_data=numbered(comm, 6, event="rename", name="Ada"), stamp=False)
    assert "Hello Ada" in await raw_frame(comm)
    await comm.disconnect()


async def test_the_test_socket_takes_the_comment_off_a_frame_as_it_does_the_element() -> None:
    """liveview.testing's socket hands tests the swaps alone and keeps the acknowledgement."""
    comm, _ = await connect(GREETER)
    assert comm.ack == 0
    await comm.send_to(text_data=numbered(comm, 3, event="rename", name="Ada"), stamp=False)
    frame = await comm.receive_from()
    assert "Hello Ada" in frame and "<!--lv:" not in frame and comm.ack == 3
    await comm.send_to(text_data=numbered(comm, 4, event="same"), stamp=False)
    assert await comm.receive_from() == "" and comm.ack == 4
    await comm.disconnect()
