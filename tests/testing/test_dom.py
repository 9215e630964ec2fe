"""Document: out-of-band application of frames by id, the epoch and redirect elements, lookups."""

from __future__ import annotations

import pytest

from liveview.testing.dom import Document, LiveTestError

PAGE = """<!doctype html><html><body>
<div id="lv-1" data-lv="a"><p>one</p><label for="f">Name</label><input id="f" name="n"></div>
<div id="lv-2" data-lv="b"><p>two</p></div>
<div id="lv-epoch" hidden></div>
</body></html>"""


def test_a_frame_replaces_the_element_with_its_id() -> None:
    doc = Document(PAGE)
    swapped = doc.apply('<div id="lv-2" data-lv="b" hx-swap-oob="outerMorph"><p>2</p></div>')
    assert swapped == ["lv-2"]
    assert [p.get_text() for p in doc.select("p")] == ["one", "2"]


def test_the_swapped_element_loses_its_swap_attribute() -> None:
    doc = Document(PAGE)
    doc.apply('<div id="lv-1" data-lv="a" hx-swap-oob="true"><p>1</p></div>')
    assert not doc.one("#lv-1").has_attr("hx-swap-oob")


def test_every_top_level_element_of_a_frame_is_swapped() -> None:
    doc = Document(PAGE)
    frame = '<div id="lv-1" hx-swap-oob="true">x</div><div id="lv-2" hx-swap-oob="true">y</div>'
    assert doc.apply(frame) == ["lv-1", "lv-2"]


def test_an_element_whose_id_is_not_on_the_page_is_dropped() -> None:
    doc = Document(PAGE)
    assert doc.apply('<div id="lv-9" hx-swap-oob="true">x</div>') == []
    assert "lv-9" not in str(doc.soup)


def test_the_epoch_is_read_from_its_element() -> None:
    doc = Document(PAGE)
    assert doc.epoch == ""
    doc.apply('<div id="lv-epoch" hidden data-v="abc" hx-swap-oob="outerMorph"></div>')
    assert doc.epoch == "abc"


def test_the_acknowledgement_is_the_larger_of_the_element_and_the_comment() -> None:
    """As the glue reads it: a plain event's reply acknowledges in a comment at its end (no
    swap), a reply renewing the token on the epoch element; a comment counts in the epoch the
    page has when it arrives, and a reconnect's epoch starts from nothing acknowledged."""
    doc = Document(PAGE)
    doc.apply('<div id="lv-epoch" hidden data-v="abc" hx-swap-oob="outerMorph"></div>')
    assert doc.ack == 0
    doc.apply('<div id="lv-1" data-lv="a" hx-swap-oob="true">1</div><!--lv:3-->')
    assert doc.ack == 3 and doc.one("#lv-1").get_text() == "1"
    doc.apply('<div id="lv-epoch" hidden data-v="abc" data-ack="5" hx-swap-oob="outerMorph"></div>')
    assert doc.ack == 5
    doc.apply("<!--lv:4-->")
    assert doc.ack == 5
    doc.apply("<!--lv:6-->")
    assert doc.ack == 6
    doc.apply('<div id="lv-1" data-lv="a" hx-swap-oob="true"><!--lv:9--></div>')
    assert doc.ack == 6  # a template's own comment inside the frame is not one
    doc.apply('<div id="lv-epoch" hidden data-v="new" hx-swap-oob="outerMorph"></div>')
    assert doc.ack == 0  # a reconnect: nothing acknowledged in its epoch yet
    doc.apply("<!--lv:7-->")
    assert doc.ack == 7


def test_a_redirect_element_is_followed_once() -> None:
    doc = Document(PAGE)
    assert doc.redirect is None
    doc.apply('<div id="lv-redirect" hidden data-url="/next/" hx-swap-oob="outerHTML"></div>')
    assert doc.redirect == "/next/"
    assert not doc.one("#lv-redirect").has_attr("data-url")


def test_a_field_is_found_by_its_label_or_a_selector() -> None:
    doc = Document(PAGE)
    assert doc.field("Name") is doc.one("#f")
    assert doc.field("input[name=n]") is doc.one("#f")
    with pytest.raises(LiveTestError, match="no form control labelled 'Age'"):
        doc.field("Age")


def test_by_text_finds_the_innermost_element_showing_the_text() -> None:
    doc = Document(PAGE)
    assert doc.by_text(None, "two").name == "p"
    assert doc.by_text("div", "two").get("id") == "lv-2"


def test_a_bad_selector_is_a_clear_error() -> None:
    with pytest.raises(LiveTestError, match="bad CSS selector"):
        Document(PAGE).select("p[")


def test_typed_text_survives_a_swap_of_the_focused_field() -> None:
    doc = Document(PAGE)
    field = doc.one("#f")
    field["value"] = "typed"
    doc.focus(field)
    doc.apply(
        '<div id="lv-1" data-lv="a" hx-swap-oob="true"><input id="f" name="n" value=""></div>'
    )
    assert doc.one("#f").get("value") == "typed"


def test_by_text_prefers_what_a_user_would_click() -> None:
    doc = Document("<html><body><th>Salad</th><form><button>Salad</button></form></body></html>")
    assert doc.by_text(None, "Salad").name == "button"


@pytest.mark.parametrize(
    "frame",
    ['<div id="a">x</div>', 'stray <div id="a" hx-swap-oob="true">x</div>'],
    ids=["element", "text"],
)
def test_a_frame_is_out_of_band_parts_only(frame: str) -> None:
    """htmx 4.0.x swaps what is not out-of-band into <body>: the test client refuses it."""
    with pytest.raises(LiveTestError, match="hx-swap-oob|text outside"):
        Document(PAGE).apply(frame)
