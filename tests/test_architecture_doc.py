"""docs/architecture.md names the files of the tree as they are: every path it names exists, and
every module of every layer package is named in it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_imports import LAYERS

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text()


def named_paths() -> set[str]:
    return set(re.findall(r"`(liveview/[\w/.]+)`", DOC))


def layer_modules() -> set[str]:
    found = set()
    for layer in LAYERS:
        package = ROOT / Path(*layer.split("."))
        found |= {str(p.relative_to(ROOT)) for p in package.glob("*.py") if p.stem != "__init__"}
    return found


def test_every_path_the_doc_names_exists() -> None:
    missing = sorted(p for p in named_paths() if not (ROOT / p.rstrip("/")).exists())
    assert missing == []


def test_every_module_of_every_layer_is_in_the_doc() -> None:
    assert sorted(layer_modules() - named_paths()) == []


def test_every_layer_package_has_a_row_in_the_doc_s_table() -> None:
    rows = re.findall(r"^\| `(liveview/\w+/)` \|", DOC, flags=re.M)
    assert rows == [f"{layer.replace('.', '/')}/" for layer in LAYERS]


def test_the_check_reads_paths_the_way_the_doc_writes_them() -> None:
    assert "liveview/runtime/turn.py" in named_paths()
    assert "liveview/runtime/turn.py" in layer_modules()


def test_every_file_path_the_other_docs_name_exists() -> None:
    """README.md and docs/ name the engine's files where they are, not at a shim's path."""
    named = {
        f"{doc.name}: {path}"
        for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        if doc.name != "architecture.md"
        for path in re.findall(r"\bliveview/[\w/]+\.py\b", doc.read_text())
        if not (ROOT / path).exists() or "Moved: this path stays" in (ROOT / path).read_text()
    }
    assert sorted(named) == []
