"""Hostile values: refused with an error in the component, or the socket closed with 4400."""

from __future__ import annotations

import json
from typing import Any

import pytest

from liveview.socket.protocol import MAX_DEPTH, CloseCode
from tests.security.layers import RecordingChannelLayer
from tests.support import Spec, closed_with, connect

PAGE: Spec = ("test_recorder", "lv-1", {})


def frame(event: str, **values: Any) -> str:
    return json.dumps({"lv": "lv-1", "event": event, **values})


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            frame("add", n="five"), "n: Input should be a valid integer", id="str-for-int"
        ),
        pytest.param(frame("add", n=[1]), "n: Input should be a valid integer", id="list-for-int"),
        pytest.param(frame("add", n={"a": 1}), "n: Input should be a valid integer", id="obj"),
        pytest.param(frame("add", n=1.5), "n: Input should be a valid integer", id="fraction"),
        pytest.param(frame("tag", items="abc"), "items: Input should be a valid list", id="str"),
        pytest.param(frame("tag", items=[1] * 10_000), "and 9997 more", id="huge-list"),
        pytest.param(frame("add", n=1, evil=1), "unexpected argument: evil", id="extra"),
        pytest.param(frame("add", **{"x" * 5000: 1}), "unexpected argument: xxx", id="long-key"),
        pytest.param(frame("add", type="websocket.close"), "unexpected argument: type", id="type"),
        pytest.param(frame("add", __class__="int"), "unexpected argument: __class__", id="class"),
        pytest.param(frame("keep", self=1), "unexpected argument: self", id="self"),
        pytest.param(frame("measure", ratio=10**400), "ratio: Input should be a valid", id="big"),
    ],
)
async def test_a_value_of_the_wrong_shape_is_a_short_error_and_changes_nothing(
    text: str, error: str, debug: bool, layer: RecordingChannelLayer
) -> None:
    comm, first = await connect(PAGE)
    await comm.send_to(text_data=text)
    reply = await comm.receive_from()
    assert error in reply
    assert "lv-traceback" not in reply
    assert len(reply) < 1_000
    await comm.send_to(text_data=frame("add", n=0))
    assert await comm.receive_from() == first
    assert layer.messages() == []
    await comm.disconnect()


async def test_the_largest_finite_number_is_a_number() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data='{"lv": "lv-1", "event": "measure", "ratio": 1e308}')
    assert "|1e+308|" in await comm.receive_from()
    await comm.disconnect()


async def test_a_channel_layer_type_in_the_values_is_only_data(
    layer: RecordingChannelLayer,
) -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=frame("keep", type="websocket.disconnect"))
    assert "websocket.disconnect" in await comm.receive_from()  # stored as a value, escaped
    await comm.send_to(text_data=frame("add"))
    assert "|1|" in await comm.receive_from()
    assert layer.messages() == []
    await comm.disconnect()


BAD_FRAMES = [
    pytest.param("not json", id="not-json"),
    pytest.param("", id="empty"),
    pytest.param("[]", id="array"),
    pytest.param('"text"', id="string"),
    pytest.param('{"lv": "lv-1"}', id="no-event"),
    pytest.param('{"lv": ["lv-1"], "event": "add"}', id="list-id"),
    pytest.param('{"lv": "lv-1", "event": {"name": "add"}}', id="object-event"),
    pytest.param('{"lv": "lv-1", "event": "measure", "ratio": NaN}', id="nan"),
    pytest.param('{"lv": "lv-1", "event": "measure", "ratio": Infinity}', id="infinity"),
    pytest.param('{"lv": "lv-1", "event": "measure", "ratio": -Infinity}', id="minus-infinity"),
    pytest.param('{"lv": "lv-1", "event": "measure", "ratio": 1e309}', id="overflow"),
    pytest.param('{"lv": "lv-1", "event": "add", "n": 1' + "0" * 5000 + "}", id="5000-digits"),
    pytest.param('{"lv": "lv-1", "event": "keep", "s": "\\ud800"}', id="lone-surrogate"),
    pytest.param('{"lv": "lv-1", "event": "keep", "\\udfff": 1}', id="lone-surrogate-key"),
    pytest.param(frame("keep", x=json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)), id="deep"),
    pytest.param('{"lv": "lv-1", "event": "keep", "x": ' + "[" * 10_000, id="very-deep"),
]


@pytest.mark.parametrize("text", BAD_FRAMES)
async def test_a_frame_that_is_not_an_event_closes_4400_without_a_traceback(
    text: str, debug: bool, layer: RecordingChannelLayer
) -> None:
    comm, _ = await connect(PAGE)
    if text:
        await comm.send_to(text_data=text)
    else:  # WebsocketCommunicator refuses to send an empty text frame itself
        await comm.send_input({"type": "websocket.receive", "text": ""})
    assert await closed_with(comm) == CloseCode.BAD_MESSAGE  # and no frame before it
    assert layer.messages() == []
    again, frame_ = await connect(PAGE)  # the next socket works
    assert 'id="lv-1"' in frame_
    await again.disconnect()


@pytest.mark.parametrize("data", [b"\xff\xfe\xfd", b"\x00", frame("add").encode()])
async def test_a_binary_frame_closes_4400(data: bytes, debug: bool) -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(bytes_data=data)
    assert await closed_with(comm) == CloseCode.BAD_MESSAGE
