"""docs/testing.md's python samples, run as this module's tests (one namespace, top to bottom).

Each fence is compiled at its line in the document, so a failure points into the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
_FENCE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def python_fences(text: str) -> str:
    """The document's python fences, each at its own line number, blank lines in between."""
    source = [""] * text.count("\n")
    for match in _FENCE.finditer(text):
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
