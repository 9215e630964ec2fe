from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from pytest_django.fixtures import Settings

from liveview.data import Table
from liveview.data.table import TableState
from project.explore.models import Sample
from tests.data.pages import CELL_VALUES, ROWS, Named


def state(sort: str = "", q: str = "", page: int = 1) -> TableState:
    return {"sort": sort, "q": q, "page": page}


def names(table: Table, st: TableState) -> list[str]:
    return [row[0].value for row in table.view(st).rows]


def test_columns_default_to_the_first_rows_keys() -> None:
    assert Table(ROWS).columns == ["name", "city", "age"]


def test_a_list_sorts_ascending_with_missing_values_last() -> None:
    assert names(Table(ROWS, per_page=10), state("age")) == [
        "Ada",
        "Alan",
        "Edsger",
        "Grace",
        "Barbara",
    ]


def test_a_list_sorts_descending_with_missing_values_last() -> None:
    assert names(Table(ROWS, per_page=10), state("-age"))[0] == "Grace"
    assert names(Table(ROWS, per_page=10), state("-age"))[-1] == "Barbara"


def test_a_list_filters_on_any_column_ignoring_case() -> None:
    assert names(Table(ROWS, per_page=10), state(q="bos")) == ["Barbara"]


def test_pages_hold_per_page_rows_and_count_the_filtered_rows() -> None:
    view = Table(ROWS, per_page=2).view(state(page=3))
    assert [r[0].value for r in view.rows] == ["Barbara"]
    assert (view.page.number, view.count) == (3, 5)


def test_a_page_past_the_end_shows_the_last_page() -> None:
    assert Table(ROWS, per_page=2).view(state(page=99)).page.number == 3


def test_a_sort_on_a_column_that_is_not_sortable_is_ignored_when_rendering() -> None:
    table = Table(ROWS, per_page=10, sortable=["name"])
    assert names(table, state("-age")) == [r["name"] for r in ROWS]


def test_check_sort_refuses_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="cannot be sorted"):
        Table(ROWS).check_sort("password")


def test_sortable_must_name_table_columns() -> None:
    with pytest.raises(ValueError, match="does not have"):
        Table(ROWS, sortable=["salary"])


def test_rows_must_be_a_queryset_or_a_list() -> None:
    with pytest.raises(TypeError, match="QuerySet or a list"):
        Table("abc")


def test_headers_mark_the_sorted_column_and_its_direction() -> None:
    headers = Table(ROWS).view(state("-age")).headers
    assert [(h.column, h.direction, h.aria_sort) for h in headers] == [
        ("name", "", "none"),
        ("city", "", "none"),
        ("age", "desc", "descending"),
    ]


def test_a_queryset_sorts_in_the_database(seeded: int) -> None:
    table = Table(Sample.objects.all(), columns=["name", "body_mass"], per_page=100)
    masses = [row[1].value for row in table.view(state("-body_mass")).rows]
    assert masses == sorted(masses, reverse=True)
    assert len(masses) == Sample.objects.count()


def test_a_queryset_filters_with_icontains_on_its_columns(seeded: int) -> None:
    table = Table(Sample.objects.all(), columns=["name", "species"], per_page=100)
    view = table.view(state(q="gENTOO"))
    assert view.count == Sample.objects.filter(species="Gentoo").count() > 0
    assert {row[1].value for row in view.rows} == {"Gentoo"}


@pytest.mark.django_db
def test_a_queryset_labels_come_from_verbose_names() -> None:
    table = Table(Sample.objects.all(), columns=["bill_length"])
    assert table.label("bill_length") == "Bill length (mm)"


@pytest.mark.django_db
def test_a_queryset_columns_default_to_its_fields_without_the_etag() -> None:
    assert Table(Sample.objects.all()).columns == [
        "id",
        "name",
        "species",
        "bill_length",
        "body_mass",
    ]


def test_a_queryset_column_that_is_not_a_field_is_shown_but_not_sortable(seeded: int) -> None:
    table = Table(Sample.objects.all(), columns=["name", "uri"])
    assert table.sortable == {"name"}
    first = Sample.objects.order_by("pk").first()
    assert first is not None
    assert table.view(state()).rows[0][1].value == first.uri


@pytest.mark.django_db
def test_sorting_a_queryset_by_a_property_is_refused_when_the_table_is_made() -> None:
    with pytest.raises(ValueError, match="fields and annotations"):
        Table(Sample.objects.all(), columns=["name", "uri"], sortable=["uri"])


def test_a_values_queryset_gives_dict_rows(seeded: int) -> None:
    table = Table(Sample.objects.values("name", "species"), columns=["name", "species"])
    assert table.sortable == {"name", "species"}
    assert (
        table.view(state("-name")).rows[0][0].value
        == (Sample.objects.order_by("-name").values_list("name", flat=True)[0])
    )


def test_a_method_column_is_called() -> None:
    table = Table([Named("ada")], columns=["shout"])
    assert table.view(state()).rows[0][0].value == "ADA"


def test_columns_of_objects_default_to_their_attributes() -> None:
    assert Table([Named("ada")]).columns == ["name"]


@pytest.mark.parametrize("thousands", [False, True])
def test_a_plain_tables_rows_render_as_the_template_rendered_each_cell(
    settings: Settings, thousands: bool
) -> None:
    # The rows of a table that is not a stream are built in Python (600 cells of a 300-row
    # page through the template engine cost most of a render): the same HTML, byte for byte.
    settings.USE_THOUSAND_SEPARATOR = thousands
    values = CELL_VALUES
    rows = [{"id": n, "v": v, "<c>": v} for n, v in enumerate(values)]
    view = Table(rows, columns=["v", "<c>"], per_page=len(rows)).view(
        {"sort": "", "q": "", "page": 1}
    )
    template = Template(
        '{% for row in view.rows %}<tr>{% for cell in row %}<td data-column="{{ cell.column }}">'
        '{{ cell.value|default_if_none:"" }}</td>{% endfor %}</tr>{% endfor %}'
    )
    with translation.override("de" if thousands else "en"):  # "1.234,5" in German
        assert view.rows_html() == template.render(Context({"view": view}))
