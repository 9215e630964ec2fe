"""docs/api.md lists every public name of every public module, and every module is accounted for."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import liveview

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "api.md").read_text()
#: Assignments that are plumbing, not API: type variables, loggers, the template library.
PLUMBING = re.compile(r"(TypeVar|ParamSpec|getLogger|Library)\(")


def sections() -> dict[str, str]:
    """Each `## liveview...` heading of docs/api.md and the text under it."""
    parts = re.split(r"^## (liveview[\w.]*)\n", API, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def documented(module: str) -> set[str]:
    """The names a module's section lists, as `- \\`name...` entries (not nested ones)."""
    return set(re.findall(r"^- `(\w+)", sections()[module], flags=re.M))


def internal_modules() -> set[str]:
    text = API[API.index("## Internal modules") :]
    return set(re.findall(r"`(liveview[\w.]*)`", text))


def public_names(module: str) -> set[str]:
    """`__all__`, or every top-level def, class and assignment not starting with `_`."""
    mod = importlib.import_module(module)
    if hasattr(mod, "__all__"):
        return set(mod.__all__)
    source = inspect.getsource(mod)
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            if node.value is not None and PLUMBING.search(
                ast.get_source_segment(source, node.value) or ""
            ):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_")}


def all_modules() -> set[str]:
    found = {"liveview"}
    for info in pkgutil.walk_packages(liveview.__path__, "liveview."):
        found.add(info.name)
    return found


PUBLIC = sorted(m for m in sections() if m != "Internal modules")


def test_every_module_of_the_package_is_public_or_listed_as_internal() -> None:
    unaccounted = all_modules() - set(PUBLIC) - internal_modules()
    assert not unaccounted, f"add these modules to docs/api.md: {sorted(unaccounted)}"


def test_no_module_is_both_public_and_internal() -> None:
    assert not set(PUBLIC) & internal_modules()


def test_the_reference_names_only_modules_that_exist() -> None:
    assert set(PUBLIC) | internal_modules() <= all_modules()


@pytest.mark.parametrize("module", PUBLIC)
def test_every_public_name_is_in_the_reference(module: str) -> None:
    missing = public_names(module) - documented(module)
    assert not missing, f"docs/api.md, ## {module}: add {sorted(missing)}"


@pytest.mark.parametrize("module", PUBLIC)
def test_every_name_in_the_reference_exists(module: str) -> None:
    stale = documented(module) - public_names(module)
    assert not stale, f"docs/api.md, ## {module}: {sorted(stale)} are gone or private"
