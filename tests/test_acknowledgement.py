"""The server acknowledges each applied event by its `lv_seq`, so the glue knows which of the
user's input the server holds (and may render) and which it must keep (see liveview.js)."""

from __future__ import annotations

import json
from typing import Any

from liveview.socket.protocol import parse_event
from tests.support import LiveCommunicator, Spec, connect

GREETER: Spec = ("test_greeter", "lv-1", {})


async def raw_frame(comm: LiveCommunicator) -> str:
    """The next frame as sent, epoch element included."""
    message = await comm.receive_output(timeout=10)
    text: str = message["text"]
    return text


def event(comm: LiveCommunicator, seq: Any, **values: Any) -> str:
    return json.dumps({"lv": "lv-1", "lv_v": comm.epoch, "lv_seq": seq, **values})


def test_lv_seq_is_envelope_not_a_handler_argument() -> None:
    message = parse_event(json.dumps({"lv": "lv-1", "event": "e", "lv_seq": 7, "n": 1}))
    assert message.seq == 7 and message.values == {"n": 1}


def test_an_lv_seq_that_is_not_a_count_is_ignored() -> None:
    for bad in (True, -1, "7", 1.5, None, [1]):
        frame = {"lv": "lv-1", "event": "e", "lv_seq": bad}
        message = parse_event(json.dumps(frame))
        assert message.seq is None and message.values == {}


async def test_an_applied_event_is_acknowledged_at_the_end_of_its_frame() -> None:
    comm, _ = await connect(GREETER)
    await comm.send_to(text_data=event(comm, 3, event="rename", name="Ada"), stamp=False)
    frame = await raw_frame(comm)
    assert "Hello Ada" in frame
    assert frame.endswith(
        f'<div id="lv-epoch" hidden data-v="{comm.epoch}" data-ack="3" '
        'hx-swap-oob="outerMorph"></div>'
    )
    await comm.disconnect()


async def test_an_event_that_changes_nothing_is_acknowledged_alone() -> None:
    comm, _ = await connect(GREETER)
    await comm.send_to(text_data=event(comm, 4, event="same"), stamp=False)
    frame = await raw_frame(comm)
    assert frame.startswith('<div id="lv-epoch"') and 'data-ack="4"' in frame
    assert frame.count("<div") == 1
    await comm.disconnect()


async def test_a_refused_stale_event_is_not_acknowledged() -> None:
    comm, _ = await connect(GREETER)
    stale = json.dumps({"lv": "lv-1", "lv_v": "old", "lv_seq": 5, "event": "rename", "name": "X"})
    await comm.send_to(text_data=stale, stamp=False)
    frame = await raw_frame(comm)
    assert "was reconnecting" in frame and "data-ack" not in frame
    await comm.disconnect()


async def test_an_event_without_an_epoch_is_refused_not_applied() -> None:
    """The glue stamps every event with its epoch: a frame without one did not come through a
    live page's glue (htmx 2 firing a debounce from a replaced element), so it is refused, visibly,
    like a stale one, never applied."""
    comm, _ = await connect(GREETER)
    bare = json.dumps({"lv": "lv-1", "event": "rename", "name": "X"})
    await comm.send_to(text_data=bare, stamp=False)
    frame = await raw_frame(comm)
    assert "was reconnecting" in frame and "Hello X" not in frame and "data-ack" not in frame
    await comm.send_to(text_data=event(comm, 6, event="rename", name="Ada"), stamp=False)
    assert "Hello Ada" in await raw_frame(comm)
    await comm.disconnect()
