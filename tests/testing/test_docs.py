"""docs/testing.md's python samples, run as this module's tests (one namespace, top to bottom).

Each fence is compiled at its line in the document, so a failure points into the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
_FENCE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


#: The first line of a fence that the browser suite runs (tests/browser/test_testing_doc.py):
#: Playwright's sync API may not start among these async tests.
BROWSER_FENCE = "# A browser test: "


def python_fences(text: str, *, browser: bool = False) -> str:
    """The document's python fences (the browser tests' when `browser`, else the others), each
    at its own line number, blank lines in between."""
    source = [""] * text.count("\n")
    for match in _FENCE.finditer(text):
        if match.group(1).startswith(BROWSER_FENCE) != browser:
            continue
        first = text.count("\n", 0, match.start(1))
        for offset, line in enumerate(match.group(1).splitlines()):
            source[first + offset] = line
    return "\n".join(source) + "\n"


_SAMPLES = python_fences(DOC.read_text())
exec(compile(_SAMPLES, str(DOC), "exec"), globals())  # defines the docs' test_* functions

DOC_TESTS = sorted(name for name in globals() if name.startswith("test_") and name != "test_docs")


def test_the_docs_define_their_samples_as_tests() -> None:
    assert {
        "test_increment_changes_only_its_counter",
        "test_a_save_by_someone_else_is_a_conflict",
        "test_a_comment_reaches_every_viewer",
    } <= set(DOC_TESTS)


def test_the_browser_samples_are_left_to_the_browser_suite() -> None:
    browser = python_fences(DOC.read_text(), browser=True)
    assert "def test_three_quick_clicks_count_three(" in browser
    assert "test_three_quick_clicks_count_three" not in DOC_TESTS
