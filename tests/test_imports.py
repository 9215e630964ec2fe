"""What importing `liveview` does: no import cycle among its modules' top-level imports, no
signal connected and no global hook edited; those happen in the app's ready() or on first use.
And the layers: a module of a lower layer package never imports one of a higher layer, not even
inside a function (`LAYERS` below is the one place their order is declared).

No cycle either once the imports inside functions are counted: a function-level import is not a
way around the layers, only a way to import later (what Django needs loaded first).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterator
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


#: Which of a module's import statements to count: `top_level_imports` or `run_time_imports`.
Imports = Callable[[ast.Module], Iterator[ast.Import | ast.ImportFrom]]


def import_graph(imports: Imports) -> dict[str, set[str]]:
    """Each module of the package, and the other `liveview` modules its `imports` load."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        found: set[str] = set()
        for node in imports(tree):
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


#: The layer packages, lowest first: each may import only those before it (and itself). Every
#: other module of the package (apps, checks, urls, models' neighbours, templatetags,
#: management, testing, the shims at the old flat paths) sits above them all.
LAYERS: tuple[str, ...] = (
    "liveview.core",
    "liveview.pubsub",
    "liveview.authoring",
    "liveview.runtime",
    "liveview.http",
    "liveview.socket",
    "liveview.batteries",
)
#: Modules outside the layer packages that belong to a layer: where Django expects them
#: (models) or public subpackages that keep their path (data).
LAYER_OF: dict[str, str] = {
    "liveview.models": "liveview.batteries",
    "liveview.data": "liveview.batteries",
}


def layer_of(module: str) -> int:
    """The index of a module's layer in LAYERS; len(LAYERS) for the modules above them all."""
    for name in (module, *(module.rsplit(".", n)[0] for n in range(1, module.count(".")))):
        if name in LAYER_OF:
            return LAYERS.index(LAYER_OF[name])
        if name in LAYERS:
            return LAYERS.index(name)
    return len(LAYERS)


def run_time_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run: at the top and inside functions, never under TYPE_CHECKING."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            elif not (isinstance(child, ast.stmt) and _type_checking(child)):
                pending.append(child)


def upward_imports() -> set[tuple[str, str]]:
    return {
        (module, target)
        for module, loaded in import_graph(run_time_imports).items()
        for target in loaded
        if layer_of(target) > layer_of(module)
    }


def test_every_layer_package_exists_and_says_its_job_and_what_it_may_import() -> None:
    for layer in LAYERS:
        init = MODULES[layer].read_text()
        assert "May import:" in init, layer
        assert init.startswith("#") or init.startswith('"""'), layer


def test_a_lower_layer_never_imports_a_higher_one() -> None:
    assert upward_imports() == set()


def test_every_module_of_a_layer_is_in_its_package() -> None:
    """Nothing but the layers' own packages, the Django app's pieces and the shims is flat."""
    flat = {m for m in MODULES if m.count(".") == 1 and layer_of(m) == len(LAYERS)}
    shims = {m for m in flat if "Moved: this path stays" in MODULES[m].read_text()}
    app = {
        "liveview.apps",
        "liveview.checks",
        "liveview.scaffold",
        "liveview.urls",
        "liveview.management",
        "liveview.migrations",
        "liveview.templatetags",
        "liveview.testing",
    }
    assert flat - shims - app == set()


def test_the_layer_check_sees_upward_and_function_level_imports() -> None:
    tree = ast.parse(
        "from liveview.core import conf\n"
        "def f():\n    from liveview.socket.consumer import LiveConsumer\n"
        "if TYPE_CHECKING:\n    from liveview.batteries import jobs\n"
    )
    module = "liveview.pubsub.hub"
    found = {t for node in run_time_imports(tree) for t in targets(module, node)}
    assert found == {"liveview.core.conf", "liveview.socket.consumer"}
    assert layer_of("liveview.socket.consumer") > layer_of(module) > layer_of("liveview.core")
    assert layer_of("liveview.data.chart") == LAYERS.index("liveview.batteries")
    assert layer_of("liveview.apps") == len(LAYERS)


def test_the_package_has_no_import_cycle_at_import_time() -> None:
    assert cycle_in(import_graph(top_level_imports)) is None


def test_no_import_closes_a_cycle_not_even_inside_a_function() -> None:
    assert cycle_in(import_graph(run_time_imports)) is None


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
