"""A stream table's keys and row fingerprints are read for the whole window at once (in C for
the usual rows): the same as row by row, for any rows; an event that edits several rows of a
list sends each of them, in the window's order, and only them."""

from __future__ import annotations

from typing import Any

from django_components import register
from hypothesis import given
from hypothesis import strategies as st

from liveview import event
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.data import DataPage, Layout, Table
from liveview.data.table import TableRow, _key, _keys
from liveview.runtime.page import Page

VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3), st.floats(0, 2)
)
KEY = st.one_of(st.integers(0, 9), st.text(min_size=1, max_size=2))


class Obj:
    def __init__(self, pk: object) -> None:
        self.pk = pk


ROW = st.one_of(
    st.fixed_dictionaries({"id": KEY, "v": VALUE}),
    st.fixed_dictionaries({"pk": KEY, "v": VALUE}),
    st.fixed_dictionaries({"pk": st.none(), "id": KEY, "v": VALUE}),
    st.builds(Obj, KEY),
)


@given(st.lists(ROW, max_size=6, unique_by=_key))
def test_the_keys_of_a_window_are_each_rows_key(rows: list[Any]) -> None:
    dicts = [row for row in rows if isinstance(row, dict)]
    assert _keys(dicts) == [_key(row) for row in dicts]
    view = Table(rows, columns=["v"], key="t", stream=True, per_page=10).view(
        {"sort": "", "q": "", "page": 1}
    )
    assert view.keys == [_key(row) for row in rows]


@given(st.lists(st.tuples(VALUE, VALUE), max_size=6), st.booleans())
def test_the_fingerprints_of_a_window_are_each_rows(values: list[Any], plain: bool) -> None:
    rows = [{"id": n, "a": a, "b": b} for n, (a, b) in enumerate(values)]
    if plain:  # text, booleans and None only: the fast path
        rows = [{"id": r["id"], "a": str(r["a"]), "b": r["b"] is True or None} for r in rows]
    view = Table(rows, columns=["a", "b"], key="t", stream=True, per_page=10).view(
        {"sort": "", "q": "", "page": 1}
    )
    assert view.fingerprints() == [item.fingerprint() for item in view.items]
    assert [item.key for item in view.items] == [str(r["id"]) for r in rows]


def test_a_row_whose_value_changes_type_but_not_text_is_sent_again() -> None:
    """True and 1 are equal, and hash alike, but render differently."""
    first = TableRow("1", ("a",), (True,))
    second = TableRow("1", ("a",), (1,))
    assert first.fingerprint() != second.fingerprint()


@register("test_data_bulk_stream")
class People(DataPage):
    people: list[dict[str, Any]] = []

    def mount(self) -> None:
        self.people = [{"id": n, "name": f"p{n}", "flag": True} for n in range(8)]

    def layout(self) -> Layout:
        return Table(self.people, columns=["name", "flag"], key="people", stream=True, per_page=8)

    @event
    def edit(self, ids: list[int], flag: Any) -> None:
        self.people = [{**p, "flag": flag} if p["id"] in ids else p for p in self.people]


def test_an_event_that_edits_several_rows_sends_each_in_the_windows_order() -> None:
    page = Page(connected=True)
    spec = ComponentSpec("test_data_bulk_stream", "lv-1", {})
    page.mount_token(PageToken.new((spec,), Binding.of(None, None, "x")))
    page.render_all()
    frame = page.dispatch("lv-1", "edit", {"ids": [6, 2, 4], "flag": False})
    assert frame is not None
    sent = [part.split('"')[0] for part in frame.split('<tr id="lv-1-rows_people-')[1:]]
    assert sent == ["2", "4", "6"]
    assert frame.count(">False<") == 3 and ">True<" not in frame
    frame = page.dispatch("lv-1", "edit", {"ids": [4], "flag": 1})  # 1 == True, shown "1"
    assert frame is not None
    sent = [part.split('"')[0] for part in frame.split('<tr id="lv-1-rows_people-')[1:]]
    assert sent == ["4"]
    assert page.dispatch("lv-1", "edit", {"ids": [4], "flag": 1}) is None  # the same again
