"""Form controls: the values a form submits, filling fields, checking boxes."""

from __future__ import annotations

import pytest
from bs4 import Tag

from liveview.testing.dom import Document, LiveTestError
from liveview.testing.forms import form_values, merge, missing_required, set_value, toggle, value_of


def form(inner: str) -> Tag:
    return Document(f"<html><body><form>{inner}</form></body></html>").one("form")


def test_values_come_in_document_order() -> None:
    assert form_values(form("<input name='a' value='1'><textarea name='b'>2</textarea>")) == [
        ("a", "1"),
        ("b", "2"),
    ]


def test_unchecked_boxes_buttons_and_disabled_fields_are_not_sent() -> None:
    f = form(
        "<input type='checkbox' name='c'><button name='b' value='x'>B</button>"
        "<input type='submit' name='s'><input name='d' disabled>"
        "<fieldset disabled><input name='e'></fieldset><input value='no name'>"
    )
    assert form_values(f) == []


def test_a_checked_box_without_a_value_sends_on() -> None:
    assert form_values(form("<input type='checkbox' name='c' checked>")) == [("c", "on")]


def test_a_select_sends_its_selected_option_or_its_first() -> None:
    assert form_values(form("<select name='s'><option>A</option><option>B</option></select>")) == [
        ("s", "A")
    ]
    chosen = form(
        "<select name='s'><option>A</option><option value='b' selected>B</option></select>"
    )
    assert form_values(chosen) == [("s", "b")]


def test_a_name_given_twice_becomes_a_list() -> None:
    assert merge([("a", "1"), ("b", "2"), ("a", "3")]) == {"a": ["1", "3"], "b": "2"}


def test_set_value_fills_text_and_chooses_options_by_value_or_text() -> None:
    f = form(
        "<textarea name='t'></textarea><select name='s'><option value='x'>Ex</option></select>"
    )
    set_value(f.select_one("textarea"), "hello")  # type: ignore[arg-type]
    set_value(f.select_one("select"), "Ex")  # type: ignore[arg-type]
    assert form_values(f) == [("t", "hello"), ("s", "x")]


def test_set_value_refuses_what_cannot_be_typed_in() -> None:
    f = form("<input name='r' readonly><input type='checkbox' name='c'><select name='s'></select>")
    inputs = f.find_all("input")
    with pytest.raises(LiveTestError, match="is not editable"):
        set_value(inputs[0], "x")
    with pytest.raises(LiveTestError, match="click it instead"):
        set_value(inputs[1], "x")
    with pytest.raises(LiveTestError, match="has no option 'x'"):
        set_value(f.select_one("select"), "x")  # type: ignore[arg-type]


def test_checking_a_radio_button_unchecks_its_group() -> None:
    f = form(
        "<input type='radio' name='r' value='a' checked><input type='radio' name='r' value='b'>"
    )
    toggle(f.find_all("input")[1])
    assert form_values(f) == [("r", "b")]
    assert value_of(f.find_all("input")[0]) == "a"


def test_required_fields_left_empty_are_missing() -> None:
    f = form(
        "<input name='a' required><input name='b' required value='x'>"
        "<textarea name='c' required></textarea><input type='checkbox' name='d' required>"
        "<input name='e' required disabled>"
    )
    assert missing_required(f) == ["a", "c", "d"]
