"""bench/section.py: a scenario's result as markdown."""

from __future__ import annotations

import pytest

from bench.section import Section, table


def section(met: bool | None) -> Section:
    return Section(
        name="demo",
        title="Demo",
        command=".venv/bin/python bench/demo.py",
        columns=("side", "figure"),
        rows=(("liveview", "1"), ("baseline", "2")),
        verdict="1 against 2",
        met=met,
        notes=("A note.",),
    )


def test_a_section_shows_its_command_table_verdict_and_notes() -> None:
    text = section(True).markdown()
    assert "```console\n$ .venv/bin/python bench/demo.py\n```" in text
    assert "| side | figure |\n|---|---|\n| liveview | 1 |\n| baseline | 2 |" in text
    assert "**Target met**: 1 against 2" in text
    assert "- A note." in text


@pytest.mark.parametrize(
    ("met", "words"), [(False, "Target missed"), (None, "No target")], ids=["missed", "none"]
)
def test_a_missed_or_absent_target_says_so(met: bool | None, words: str) -> None:
    assert f"**{words}**" in section(met).markdown()


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells under 2 columns"):
        table(("a", "b"), [("only one",)])
