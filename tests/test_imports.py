"""What importing `liveview` does: no import cycle among its modules' top-level imports, no
signal connected and no global hook edited; those happen in the app's ready() or on first use.

Imports inside functions are left out of the cycle check on purpose: they run later, once every
module is loaded (a few still go "upwards"; the layering of the package is issue 14's).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "liveview"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def top_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported: its body's, and those in a top-level
    `if`/`try` (not under `if TYPE_CHECKING:`), never those inside a def or class."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            pending += [stmt for handler in node.handlers for stmt in handler.body]


def targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The `liveview` modules an import statement loads (by their dotted names)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([node.module] if node.module else [])])
        # `from package import name`: the submodule when there is one, else the package.
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        ]
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        found: set[str] = set()
        for node in top_level_imports(tree):
            found |= targets(module, node)
        graph[module] = found - {module}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it (first repeated at the end), or None."""
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            found = walk(nxt, [*path, node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = walk(start, [])
        if found:
            return found
    return None


def test_the_package_has_no_import_cycle_at_import_time() -> None:
    assert cycle_in(import_graph()) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_in(graph) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_relative_and_package_imports_resolve_to_modules() -> None:
    tree = ast.parse(
        "from . import blocks\nfrom liveview import conf\nimport liveview.hub\n"
        "from ..events import event\nfrom liveview import LiveComponent\n"
    )
    nodes = list(top_level_imports(tree))
    found = set().union(*(targets("liveview.data.chart", node) for node in nodes))
    assert found == {
        "liveview.data.blocks",
        "liveview.conf",
        "liveview.hub",
        "liveview.events",
        "liveview",
    }


def test_no_module_connects_a_signal_when_imported() -> None:
    """Signals are connected in the app's ready() (liveview.apps), not as a side effect."""
    connected = [
        f"{module}:{node.lineno}"
        for module, path in MODULES.items()
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "connect"
    ]
    assert connected == []


def test_importing_the_chart_module_leaves_the_import_hooks_alone() -> None:
    """pygal's import appends a legacy import hook; liveview imports pygal on the first chart
    and takes the hook out then, so importing liveview edits no `sys.meta_path`."""
    script = (
        "import os, sys\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'project.settings'\n"
        "import django\n"
        "django.setup()\n"
        "before = list(sys.meta_path)\n"
        "from liveview.data import Chart\n"
        "assert sys.meta_path == before, sys.meta_path\n"
        "assert 'pygal' not in sys.modules\n"
        "assert '<svg' in Chart.line({'a': [1, 2]}).svg()\n"
        "names = [type(f).__name__ for f in sys.meta_path]\n"
        "assert 'PluginImportFixer' not in names, names\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error::ImportWarning", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
