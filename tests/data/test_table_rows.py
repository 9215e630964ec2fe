"""One Python function builds a table's row (`liveview.data.rows.cells_html`): a plain table's
rows and a stream table's items, byte for byte alike; the HTML of a row of plain values is kept
and reused, and never shows a stale or another row's cells."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_components import register
from pytest_django.fixtures import Settings

from liveview.data import DataPage, Layout, Table
from liveview.data import rows as rows_module
from liveview.runtime.page import Page
from liveview.testing.dom import Document
from tests.data.pages import CELL_VALUES

VALUES = CELL_VALUES
ROWS = [{"id": n, "v": v, "<c>": v, "text": f"row {n}"} for n, v in enumerate(VALUES)]


class _Rows(DataPage):
    streamed = False

    def layout(self) -> Layout:
        return Table(
            ROWS, columns=["v", "<c>", "text"], key="rows", per_page=50, stream=self.streamed
        )


@register("test_rows_plain")
class PlainRows(_Rows):
    pass


@register("test_rows_stream")
class StreamRows(_Rows):
    streamed = True


def rendered_rows(name: str) -> list[str]:
    """The content of each row of the page's table, as the page's first render sent it."""
    page = Page(connected=True)
    page.mount(name, "lv-1", {})
    html = page.render_all()
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    assert tbody is not None
    return re.findall(r"<tr[^>]*>(.*?)</tr>", tbody.group(1), re.S)


def view_html(rows: list[dict[str, Any]], columns: list[str]) -> str:
    table = Table(rows, columns=columns, per_page=max(1, len(rows)))
    return str(table.view({"sort": "", "q": "", "page": 1}).rows_html())


@pytest.mark.parametrize("thousands", [False, True])
def test_a_stream_tables_rows_are_a_plain_tables_rows_byte_for_byte(
    settings: Settings, thousands: bool
) -> None:
    settings.USE_THOUSAND_SEPARATOR = thousands
    with translation.override("de" if thousands else "en"):
        plain = rendered_rows("test_rows_plain")
        streamed = rendered_rows("test_rows_stream")
    assert len(plain) == len(ROWS)
    assert streamed == plain


@pytest.mark.parametrize("thousands", [False, True])
def test_a_stream_item_is_what_the_template_rendered_for_each_cell(
    settings: Settings, thousands: bool
) -> None:
    settings.USE_THOUSAND_SEPARATOR = thousands
    view = Table(ROWS, columns=["v", "<c>"], per_page=50, stream=True, key="rows").view(
        {"sort": "", "q": "", "page": 1}
    )
    template = Template(
        '{% for cell in row.cells %}<td data-column="{{ cell.column }}">'
        '{{ cell.value|default_if_none:"" }}</td>{% endfor %}'
    )
    with translation.override("de" if thousands else "en"):
        for item in view.items:
            assert item.html() == template.render(Context({"row": item}))


def test_a_row_edited_in_place_shows_its_new_value() -> None:
    rows = [{"name": f"n{i}", "value": f"v{i}"} for i in range(5)]
    assert ">v2<" in view_html(rows, ["name", "value"])
    rows[2]["value"] = "changed"
    again = view_html(rows, ["name", "value"])
    assert ">changed<" in again
    assert ">v2<" not in again
    assert again == "".join(
        f'<tr><td data-column="name">n{i}</td><td data-column="value">'
        f"{'changed' if i == 2 else f'v{i}'}</td></tr>"
        for i in range(5)
    )


def test_a_value_equal_to_a_kept_one_but_of_another_type_is_shown_as_itself() -> None:
    # True == 1 == 1.0 and they hash alike: a row of True kept must not answer for 1.
    assert view_html([{"v": True}], ["v"]) == '<tr><td data-column="v">True</td></tr>'
    assert view_html([{"v": 1}], ["v"]) == '<tr><td data-column="v">1</td></tr>'
    assert view_html([{"v": 1.0}], ["v"]) == '<tr><td data-column="v">1.0</td></tr>'


def test_safe_text_and_equal_plain_text_each_keep_their_escaping() -> None:
    assert view_html([{"v": mark_safe("<i>x</i>")}], ["v"]) == (
        '<tr><td data-column="v"><i>x</i></td></tr>'
    )
    assert view_html([{"v": "<i>x</i>"}], ["v"]) == (
        '<tr><td data-column="v">&lt;i&gt;x&lt;/i&gt;</td></tr>'
    )


def test_the_same_values_in_another_column_name_show_that_column() -> None:
    assert view_html([{"a": "x"}], ["a"]) == '<tr><td data-column="a">x</td></tr>'
    assert view_html([{"b": "x"}], ["b"]) == '<tr><td data-column="b">x</td></tr>'


def test_a_number_follows_the_language_it_is_shown_in(settings: Settings) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    rows = [{"name": "n", "mass": Decimal("1234.5")}]
    with translation.override("en"):
        assert ">1,234.5<" in view_html(rows, ["name", "mass"])
    with translation.override("de"):
        assert ">1.234,5<" in view_html(rows, ["name", "mass"])


def kept_chars() -> int:
    """What the kept rows hold: their HTML and their values' text."""
    return sum(
        len(html) + sum(len(v) for v in values if type(v) is str)
        for by_values in rows_module._row_cache.values()
        for values, html in by_values.items()
    )


def no_kept_rows(monkeypatch: pytest.MonkeyPatch, bound: int) -> None:
    """The kept rows, empty for this test, bounded at `bound` characters."""
    monkeypatch.setattr(rows_module, "_ROW_CACHE_CHARS", bound)
    monkeypatch.setattr(rows_module, "_row_cache", {})
    monkeypatch.setattr(rows_module, "_row_cache_chars", 0)


def test_the_kept_rows_are_bounded_by_their_size_and_stay_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_kept_rows(monkeypatch, bound=2000)
    for n in range(4):
        long = "x" * 300  # a few long texts fill it as many short rows do
        rows = [{"name": f"r{n}-{i}", "note": long} for i in range(5)]
        html = view_html(rows, ["name", "note"])
        assert html == "".join(
            f'<tr><td data-column="name">r{n}-{i}</td><td data-column="note">{long}</td></tr>'
            for i in range(5)
        )
        assert 0 < kept_chars() <= 2000
        assert kept_chars() == rows_module._row_cache_chars  # what is counted is what is kept


def test_a_plain_table_with_no_row_to_show_says_so() -> None:
    page = Page(connected=True)
    page.mount("test_rows_plain", "lv-1", {})
    document = Document(page.render_all())
    assert len(document.select("#lv-1 tbody > tr")) == len(ROWS)
    frame = page.dispatch("lv-1", "table_filter", {"table": "rows", "q": "nothing like it"})
    assert frame is not None
    document.apply(frame)
    rows = document.select("#lv-1 tbody > tr")
    assert [row.get_text() for row in rows] == ["No rows match “nothing like it”."]


def test_a_views_cells_are_its_values_by_column() -> None:
    view = Table(ROWS, columns=["text", "v"], per_page=3).view({"sort": "", "q": "", "page": 1})
    assert view.values == [(f"row {n}", VALUES[n]) for n in range(3)]
    assert [[(c.column, c.value) for c in row] for row in view.rows] == [
        [("text", f"row {n}"), ("v", VALUES[n])] for n in range(3)
    ]


def test_each_rows_values_are_read_alike_whatever_holds_them() -> None:
    """Dicts holding every column are read in one step (`itemgetter`); a missing key is None,
    a dict subclass is read with `.get` (a defaultdict gains no key), one column is a 1-tuple."""
    from collections import OrderedDict, defaultdict
    from types import SimpleNamespace

    def values(rows: list[Any], columns: list[str]) -> list[tuple[Any, ...]]:
        table = Table(rows, columns=columns, per_page=50)
        return table.view({"sort": "", "q": "", "page": 1}).values

    assert values([{"a": 1, "b": "x"}, {"a": 2, "b": None}], ["b", "a"]) == [("x", 1), (None, 2)]
    assert values([{"a": 1}, {"b": 2}], ["a", "b"]) == [(1, None), (None, 2)]
    assert values([{"a": 1}, {"a": True}], ["a"]) == [(1,), (True,)]
    missing: defaultdict[str, int] = defaultdict(int, a=1)
    assert values([missing], ["a", "b"]) == [(1, None)]
    assert dict(missing) == {"a": 1}
    assert values([OrderedDict(a=1), {"a": 2}], ["a"]) == [(1,), (2,)]
    assert values([SimpleNamespace(a=1, b=lambda: "called")], ["a", "b"]) == [(1, "called")]


def test_a_plain_tables_rows_with_numbers_and_booleans_are_never_each_others() -> None:
    """1 == True and 0 == False: a row with a number is built, never a kept plain row."""
    plain = view_html([{"a": True, "b": "x"}, {"a": False, "b": "x"}], ["a", "b"])
    numbers = view_html([{"a": 1, "b": "x"}, {"a": 0, "b": "x"}], ["a", "b"])
    assert plain.count(">True<") == 1 and plain.count(">False<") == 1
    assert numbers.count(">1<") == 1 and numbers.count(">0<") == 1


def test_a_row_built_while_another_thread_empties_the_kept_rows_is_counted_as_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_kept_rows(monkeypatch, bound=200)
    columns, context = ("name",), Context(autoescape=True)
    rows_module.cells_html(columns, ("a" * 60,), context)  # 148 of the 200 characters

    def escape_while_another_thread_keeps_a_row(text: str) -> SafeString:
        # The interleaving threads may make (rows render in Django's thread and on the loop),
        # played in one: another row kept meanwhile passes the bound and empties the rows.
        monkeypatch.setattr(rows_module, "escape", escape)
        rows_module.cells_html(columns, ("b" * 50,), context)
        return escape(text)

    monkeypatch.setattr(rows_module, "escape", escape_while_another_thread_keeps_a_row)
    assert rows_module.cells_html(columns, ("c",), context) == '<td data-column="name">c</td>'
    assert kept_chars() == rows_module._row_cache_chars == 128 + 30
