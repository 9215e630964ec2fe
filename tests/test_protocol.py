from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveview.socket.protocol import (
    HEADERS_REMOVED_IN,
    MAX_DEPTH,
    EventMessage,
    ProtocolError,
    _check,
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


# -- the quick look at a frame's text (`_may_not_fit`) never lets through what the walk refuses

#: Text with lone and paired surrogates (escaped or as themselves), brackets and non-ASCII.
_texts = st.text(st.characters(categories=["Cs", "Ll", "Lo", "Nd"], include_characters="[{\\"))


def _nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


_values = st.recursive(
    st.one_of(_texts, st.integers(), st.builds(_nested, st.integers(0, MAX_DEPTH + 2))),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3),
    max_leaves=8,
)


@given(_values, st.sampled_from(["raw", "escaped", "ESCAPED"]))
def test_a_frame_is_refused_exactly_when_walking_it_finds_a_fault(value: Any, form: str) -> None:
    frame = {"headers": {}, "body": {"lv": "lv-1", "event": "x", "v": value}}
    text = json.dumps(frame, ensure_ascii=form != "raw")
    if form == "ESCAPED":
        text = text.replace("\\ud", "\\uD")
    try:
        _check(json.loads(text), 1)
        fits = True
    except ProtocolError:
        fits = False
    try:
        parse_event(text)
        parsed = True
    except ProtocolError:
        parsed = False
    assert parsed == fits


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF"])
def test_a_lone_surrogate_escape_in_a_value_or_a_key_is_refused(escape: str) -> None:
    for text in (
        json.dumps({"lv": "lv-1", "event": "x", "s": "a_b"}).replace("_", escape),
        json.dumps({"lv": "lv-1", "event": "x", "a_b": 1}).replace("_", escape),
    ):
        with pytest.raises(ProtocolError, match="lone surrogate"):
            parse_event(text)


def test_a_surrogate_pair_and_brackets_in_text_are_values() -> None:
    text = json.dumps({"lv": "lv-1", "event": "x", "s": "\U0001f600 " + "[{" * MAX_DEPTH})
    assert "\\ud83d\\ude00" in text
    assert parse_event(text).values == {"s": "\U0001f600 " + "[{" * MAX_DEPTH}
