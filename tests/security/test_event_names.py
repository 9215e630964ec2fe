"""Calling what is not an @event: an error in the component, nothing run, the socket open."""

from __future__ import annotations

import json

import pytest

from tests.security.layers import RecordingChannelLayer
from tests.support import connect

NOT_EVENTS = [
    "unknown",
    "__init__",
    "__class__",
    "a.__dict__",
    "__dict__",
    "_private",
    "_lv_page",
    "_lv",
    "live",
    "mount",
    "render",
    "on_render",
    "dispatch",
    "live_state",
    "restore_state",
    "new_live",
    "websocket.disconnect",
    "websocket_disconnect",
    "x" * 10_240,
]


@pytest.mark.parametrize("name", NOT_EVENTS, ids=lambda n: n if len(n) < 30 else "10KB")
async def test_a_name_that_is_not_an_event_shows_an_error_and_changes_nothing(
    name: str, debug: bool, layer: RecordingChannelLayer, mounts: list[str]
) -> None:
    comm, first = await connect(("test_recorder", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": name, "n": 5}))
    frame = await comm.receive_from()
    assert '<p class="lv-error" role="alert">Unknown event' in frame
    assert "lv-traceback" not in frame  # not even under DEBUG: nothing ran
    assert len(frame) < 500  # a 10 KB name is cut short
    # The state is what it was: rendered again, it is byte for byte the first render.
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "add", "n": 0}))
    assert await comm.receive_from() == first
    assert mounts == ["lv-1"]
    assert layer.messages() == []
    # And the socket is still open.
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "add", "n": 2}))
    assert "|2|" in await comm.receive_from()
    await comm.disconnect()


async def test_an_event_for_an_unknown_component_is_ignored(layer: RecordingChannelLayer) -> None:
    comm, _ = await connect(("test_recorder", "lv-1", {}))
    await comm.send_to(text_data=json.dumps({"lv": "lv-1-__class__", "event": "add"}))
    assert await comm.receive_nothing(timeout=0.1)
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "add"}))
    assert "|1|" in await comm.receive_from()
    assert layer.messages() == []
    await comm.disconnect()
