from __future__ import annotations

import json
from pathlib import Path

import pytest

from liveview.socket.protocol import (
    HEADERS_REMOVED_IN,
    EventMessage,
    ProtocolError,
    parse_event,
)

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def headers_of(message: EventMessage) -> dict[str, object]:
    """The frame's headers, read through the deprecated `headers` (the parser still keeps them)."""
    with pytest.warns(DeprecationWarning, match=f"goes away in liveview {HEADERS_REMOVED_IN}"):
        return message.headers


def test_htmx2_shape_values_beside_uppercase_headers() -> None:
    frame = {"lv": "lv-1", "event": "increment", "by": "2", "HEADERS": {"HX-Request": "true"}}
    message = parse_event(json.dumps(frame))
    assert (message.component, message.event, message.values) == ("lv-1", "increment", {"by": "2"})
    assert headers_of(message) == {"HX-Request": "true"}


def test_htmx4_beta_shape_values_in_body() -> None:
    frame = {"headers": {"HX-Request": "true"}, "body": {"lv": "lv-2", "event": "send", "m": "hi"}}
    message = parse_event(json.dumps(frame))
    assert (message.component, message.event, message.values) == ("lv-2", "send", {"m": "hi"})
    assert headers_of(message) == {"HX-Request": "true"}


def test_htmx4_release_shape_values_beside_lowercase_headers() -> None:
    frame = {"lv": "lv-3", "event": "evaluate", "expression": "1+1", "headers": {"a": "b"}}
    message = parse_event(json.dumps(frame))
    assert (message.component, message.event) == ("lv-3", "evaluate")
    assert message.values == {"expression": "1+1"}
    assert headers_of(message) == {"a": "b"}


def test_headers_are_deprecated_when_read_and_documented_with_their_release() -> None:
    message = EventMessage("lv-1", "e", {}, {"HX-Request": "true"}, "ep", 3)
    assert (message.component, message.event, message.version, message.seq) == (
        "lv-1",
        "e",
        "ep",
        3,
    )
    assert "headers" not in repr(message)  # nor compared: an event is its component, name, values
    assert message == EventMessage("lv-1", "e", {}, version="ep", seq=3)
    assert headers_of(message) == {"HX-Request": "true"}
    assert headers_of(EventMessage("lv-1", "e", {})) == {}
    assert f"deprecated, goes away in {HEADERS_REMOVED_IN}" in API_DOC.read_text()


def test_multi_value_fields_stay_lists() -> None:
    frame = {"headers": {}, "body": {"lv": "lv-1", "event": "pick", "tags": ["a", "b"]}}
    assert parse_event(json.dumps(frame)).values == {"tags": ["a", "b"]}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '"lv"',
        '{"event": "x"}',
        '{"lv": "lv-1"}',
        '{"lv": 1, "event": "x"}',
        '{"lv": "lv-1", "event": ""}',
        '{"lv": "lv-1", "event": "x", "n": NaN}',
        '{"lv": "lv-1", "event": "x", "n": Infinity}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_what_is_not_an_event_is_a_protocol_error(text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_event(text)
