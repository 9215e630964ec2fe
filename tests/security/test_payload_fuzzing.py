"""Fuzzing the two doors client data comes through: the frame parser and argument coercion."""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liveview.authoring.events import EventArgumentsError, EventHandler, event
from liveview.socket.protocol import MAX_DEPTH, EventMessage, ProtocolError, parse_event

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=24,
)
keys = st.sampled_from(["lv", "event", "headers", "HEADERS", "body", "by", "type"]) | st.text(
    max_size=8
)
frames = st.dictionaries(keys, json_values, max_size=8)


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def only_finite_json(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and only_finite_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(only_finite_json(v) for v in value)
    return value is None or isinstance(value, bool | int | str)


def parsed_or_refused(text: str) -> EventMessage | None:
    try:
        message = parse_event(text)
    except ProtocolError:
        return None
    assert isinstance(message, EventMessage)
    assert isinstance(message.component, str) and message.component
    assert isinstance(message.event, str) and message.event
    assert not {"lv", "event", "headers", "HEADERS"} & set(message.values)
    assert only_finite_json(message.values)
    assert depth(message.values) <= MAX_DEPTH
    return message


@given(st.text())
def test_any_text_is_an_event_or_a_protocol_error(text: str) -> None:
    parsed_or_refused(text)


@given(frames)
def test_any_json_object_is_an_event_or_a_protocol_error(frame: dict[str, Any]) -> None:
    parsed_or_refused(json.dumps(frame))  # NaN and Infinity included


@given(frames, st.data())
def test_a_mangled_frame_is_an_event_or_a_protocol_error(
    frame: dict[str, Any], data: st.DataObject
) -> None:
    text = json.dumps(frame)
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 4))
    text = text[:at] + data.draw(st.text(max_size=4)) + text[at + cut :]
    parsed_or_refused(text)


@pytest.mark.parametrize("levels", [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, 100, 100_000])
@pytest.mark.parametrize("kind", ["list", "object"])
def test_nesting_is_refused_past_the_limit(levels: int, kind: str) -> None:
    opener, closer = ("[", "]") if kind == "list" else ('{"a":', "}")
    nested = opener * levels + "1" + closer * levels
    # The frame's own object is level 1, so `x` may hold MAX_DEPTH - 1 levels.
    message = parsed_or_refused('{"lv": "lv-1", "event": "go", "x": ' + nested + "}")
    assert (message is not None) == (levels < MAX_DEPTH)


class Target:
    @event
    def typed(self, by: int = 1, ratio: float = 0.5, name: str = "", on: bool = False) -> None:
        pass

    @event
    def shaped(
        self,
        tags: list[str] | None = None,
        size: Literal["s", "m"] = "s",
        point: dict[str, int] | None = None,
    ) -> None:
        pass

    @event
    def anything(self, value: Any = None, **fields: Any) -> None:
        pass

    @event
    def nothing(self) -> None:
        pass


HANDLERS = [
    EventHandler.build(name, getattr(Target, name)) for name in vars(Target) if name[0] != "_"
]
argument_names = st.sampled_from(
    ["by", "ratio", "name", "on", "tags", "size", "point", "value", "__class__", "self"]
) | st.text(max_size=6)


@settings(max_examples=300)
@given(st.sampled_from(HANDLERS), st.dictionaries(argument_names, json_values, max_size=6))
def test_coerce_returns_arguments_or_raises_event_arguments_error(
    handler: EventHandler, values: dict[str, Any]
) -> None:
    try:
        arguments = handler.coerce(values)
    except EventArgumentsError as exc:
        assert len(str(exc)) < 1_000
        return
    assert isinstance(arguments, dict)
    assert only_finite_json(arguments)
    assert "self" not in arguments
