from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
from django.template import Context, Template
from pygal.etree import etree

from liveview.data import Chart

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
HAS_LXML = importlib.util.find_spec("lxml") is not None


@pytest.fixture(
    autouse=True,
    params=[
        "xml.etree",
        pytest.param(
            "lxml",
            marks=pytest.mark.skipif(not HAS_LXML, reason="lxml not installed (.[test] has it)"),
        ),
    ],
)
def pygal_parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every chart test under both of pygal's parsers: it builds on lxml when importable."""
    before = etree._etree
    if request.param == "lxml":
        etree.to_lxml()
    else:
        etree.to_etree()
    try:
        yield str(request.param)
    finally:
        etree._etree = before
        etree.lxml = before is etree._lxml_etree


def test_a_chart_is_inline_svg_without_xml_declaration() -> None:
    svg = Chart.line({"a": [1, 2, 3]}).svg()
    assert svg.startswith("<svg")
    assert "<?xml" not in svg


def test_a_chart_has_no_script_and_no_comment() -> None:
    svg = Chart.bar({"a": [1, 2]}, x_labels=["x", "y"]).svg()
    assert "<script" not in svg
    assert "<!--" not in svg


def test_the_chart_is_built_by_the_parser_under_test(pygal_parser: str) -> None:
    chart = Chart.line({"a": [1, 2]})
    assert etree.lxml is (pygal_parser == "lxml")
    assert "<svg" in chart.svg()


@pytest.mark.parametrize("kind", ["line", "bar", "scatter"])
def test_titles_labels_and_series_names_come_out_as_text(kind: str) -> None:
    values = [(1, 2), (3, 4)] if kind == "scatter" else [1, 2]
    svg = Chart(
        kind,  # type: ignore[arg-type]
        {HOSTILE: values},
        x_labels=[HOSTILE, "b"],
        title=HOSTILE,
        x_title=HOSTILE,
        y_title=HOSTILE,
    ).svg()
    assert "<script" not in svg
    assert "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_the_same_chart_renders_the_same_bytes() -> None:
    assert Chart.line({"a": [1, 2]}).svg() == Chart.line({"a": [1, 2]}).svg()


def test_different_data_renders_a_different_chart() -> None:
    assert Chart.line({"a": [1, 2]}).svg() != Chart.line({"a": [1, 3]}).svg()


def test_a_value_that_is_not_a_number_is_refused_with_its_series() -> None:
    with pytest.raises(TypeError, match="'sales'.*'many'"):
        Chart.bar({"sales": [1, "many"]})  # type: ignore[list-item]


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        Chart.line({"a": [float("nan")]})


def test_a_scatter_value_must_be_a_pair() -> None:
    with pytest.raises(TypeError, match="pair"):
        Chart.scatter({"a": [1]})  # type: ignore[list-item]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="pie"):
        Chart("pie", {"a": [1]})  # type: ignore[arg-type]


def test_none_is_a_gap_in_a_line() -> None:
    assert Chart.line({"a": [1, None, 3]}).series == {"a": [1.0, None, 3.0]}


def test_a_chart_renders_in_any_template_unescaped() -> None:
    html = Template("{{ chart }}").render(Context({"chart": Chart.bar({"a": [1]})}))
    assert html.startswith("<svg")
