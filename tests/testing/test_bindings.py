"""Bindings read from the page: triggers, hx-vals, the values and the message htmx would send."""

from __future__ import annotations

import json

import pytest
from bs4 import Tag

from liveview.core.dialect import (
    FRAME_SHAPES,
    HTMX2_FRAME,
    HTMX4_BETA_FRAME,
    HTMX4_FRAME,
    FrameShape,
    unwrap,
)
from liveview.socket.protocol import parse_event
from liveview.testing.bindings import Trigger, message, triggers, values_for
from liveview.testing.dom import Document


def element(html: str, selector: str) -> Tag:
    return Document(f"<html><body>{html}</body></html>").one(selector)


def test_the_default_trigger_follows_the_element() -> None:
    assert triggers(element("<form></form>", "form")) == [Trigger("submit")]
    assert triggers(element("<input>", "input")) == [Trigger("change")]
    assert triggers(element("<input type='submit'>", "input")) == [Trigger("click")]
    assert triggers(element("<select></select>", "select")) == [Trigger("change")]
    assert triggers(element("<button></button>", "button")) == [Trigger("click")]


def test_hx_trigger_is_read_with_its_key_filter_and_changed() -> None:
    bound = element("""<input hx-trigger="keyup[key=='Enter'] changed delay:1s, input">""", "input")
    assert triggers(bound) == [Trigger("keyup", "Enter", changed=True), Trigger("input")]
    assert triggers(bound)[0].fires_on("keyup", "Enter")
    assert not triggers(bound)[0].fires_on("keyup", "a")


def test_values_are_the_forms_then_the_submitters_then_hx_vals() -> None:
    html = (
        """<form hx-vals='{"lv": "lv-1", "event": "save"}'><input name="a" value="1">"""
        """<input name="event" value="forged"><button name="go" value="yes">Go</button></form>"""
    )
    doc = Document(f"<html><body>{html}</body></html>")
    assert values_for(doc.one("form"), submitter=doc.one("button")) == {
        "a": "1",
        "event": "save",
        "go": "yes",
        "lv": "lv-1",
    }


def test_hx_vals_are_inherited_the_nearest_winning() -> None:
    html = """<div hx-vals='{"a": 1, "b": 1}'><button hx-vals='{"b": 2}'>x</button></div>"""
    assert values_for(element(html, "button")) == {"a": 1, "b": 2}


def test_a_field_outside_a_form_sends_its_own_value() -> None:
    assert values_for(element("<input name='q' value='v'>", "input")) == {"q": "v"}


def test_htmx_4_beta_messages_carry_headers_and_body() -> None:
    sent = json.loads(
        message({"lv": "lv-1", "event": "e"}, "ep", HTMX4_BETA_FRAME, None, "http://t/")
    )
    assert sent["body"] == {"lv": "lv-1", "event": "e", "lv_v": "ep"}
    assert sent["headers"]["HX-Request"] == "true"


def test_htmx_4_messages_carry_values_beside_headers() -> None:
    sent = json.loads(message({"lv": "lv-1", "event": "e"}, "ep", HTMX4_FRAME, None, "http://t/"))
    assert sent["lv"] == "lv-1" and sent["lv_v"] == "ep"
    assert sent["headers"]["HX-Request"] == "true"


def test_htmx_2_messages_carry_values_and_headers_side_by_side() -> None:
    sent = json.loads(message({"lv": "lv-1", "event": "e"}, "ep", HTMX2_FRAME, None, "http://t/"))
    assert sent["lv"] == "lv-1" and sent["lv_v"] == "ep"
    assert sent["HEADERS"]["HX-Current-URL"] == "http://t/"


@pytest.mark.parametrize("shape", FRAME_SHAPES, ids=lambda shape: shape.name)
def test_every_shape_is_what_the_server_parses(shape: FrameShape) -> None:
    sent = message({"lv": "lv-1", "event": "e", "n": "1"}, "ep", shape, None, "")
    parsed = parse_event(sent)
    assert (parsed.component, parsed.event, parsed.values, parsed.version) == (
        "lv-1",
        "e",
        {"n": "1"},
        "ep",
    )
    assert unwrap(json.loads(sent))[1]["HX-Request"] == "true"  # the headers ride along
