"""bench/__main__.py: the one list of scenarios and the page it writes."""

from __future__ import annotations

import importlib

from bench.__main__ import SCENARIOS, TEMPLATE, render
from bench.section import Section


def section(name: str) -> Section:
    return Section(
        name=name,
        title=name.title(),
        command=f".venv/bin/python bench/{name}.py",
        columns=("figure",),
        rows=(("42",),),
        verdict=f"{name} verdict",
        met=True,
    )


TEMPLATE_TEXT = "# B\n\n<!-- bench: run -->\n\n## A\n\n<!-- bench: alpha -->\n\nafter\n"


def test_a_section_goes_where_its_placeholder_is() -> None:
    text = render(TEMPLATE_TEXT, "HEADER", [section("alpha")])
    assert text.index("## A") < text.index("**Target met**: alpha verdict") < text.index("after")


def test_the_run_header_carries_a_summary_of_every_section() -> None:
    text = render(TEMPLATE_TEXT, "HEADER", [section("alpha"), section("beta")])
    assert text.index("HEADER") < text.index("| [Alpha](#alpha) | alpha verdict | Target met |")
    assert "| [Beta](#beta) | beta verdict | Target met |" in text


def test_a_section_without_a_placeholder_is_appended() -> None:
    text = render(TEMPLATE_TEXT, "HEADER", [section("beta")])
    assert text.index("after") < text.index("\n## Beta\n") < text.index("**Target met**: beta")


def test_a_placeholder_without_a_section_says_it_was_not_run() -> None:
    assert "_Not run this time._" in render(TEMPLATE_TEXT, "HEADER", [])


def test_every_scenario_has_a_run_and_a_place_in_the_template() -> None:
    template = TEMPLATE.read_text()
    for scenario in SCENARIOS:
        assert callable(importlib.import_module(scenario.module).run), scenario.module
        assert f"<!-- bench: {scenario.name} -->" in template, scenario.name
