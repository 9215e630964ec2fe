"""bench/paced_roundtrip.py: its frames are the glue's, as liveview reads them. Nothing here is
timed (the bench itself runs uvicorn; see its docstring)."""

from __future__ import annotations

import json

from bench.paced_roundtrip import glue_frame, live_body
from liveview.socket.protocol import parse_event


def test_the_live_frame_reads_as_the_glues_click_with_its_epoch_and_number() -> None:
    frame = glue_frame("http://127.0.0.1/counter/", live_body("abc123", 7))
    message = parse_event(frame)
    assert (message.component, message.event) == ("lv-1", "increment")
    assert (message.version, message.seq) == ("abc123", 7)
    assert json.loads(frame)["headers"]["HX-Current-URL"] == "http://127.0.0.1/counter/"


def test_without_a_number_the_frame_asks_for_no_ack() -> None:
    message = parse_event(glue_frame("http://127.0.0.1/counter/", live_body("abc123", None)))
    assert message.seq is None
