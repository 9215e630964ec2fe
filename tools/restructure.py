"""Moves liveview's flat modules into their layer packages (issue 14), and can be re-run.

    .venv/bin/python tools/restructure.py            # from the repository root

What it does, each step idempotent:

1. ``git mv liveview/X.py liveview/<layer>/X.py`` for every module of ``LAYERS`` still flat
   (a flat file that is already a shim is left alone);
2. writes each layer's ``__init__.py`` (its job in two lines, what it may import) if missing;
3. rewrites every ``liveview.X`` import (and ``liveview.X.name`` reference after a plain
   ``import liveview.X``) in liveview/, tests/ and bench/ to the new path (project/, the
   demo, keeps the public paths);
4. writes a shim at every old path: the module's public names, re-exported (``__all__``);
5. regenerates the list of layer modules in docs/api.md ("Internal modules");
6. rewrites the file paths (``liveview/X.py``) that README.md, docs/ and the benchmarks'
   template name.

After a merge: re-run it; other people's imports of the old paths are rewritten, and a new
flat module can be given a layer by adding it to ``LAYERS``. Then ``ruff check --fix`` and
``ruff format`` (the script runs both on the files it touched).

    .venv/bin/python tools/restructure.py --resolve   # during a conflicted `git merge main`

A shim at the old path hides the move from git's rename detection, so a merge sees both sides
edit ``liveview/X.py``. ``--resolve`` carries the other side's edits of each moved module to
its new path (``git apply -3``: conflict markers where a hunk does not fit), keeps the shim,
and for every other conflicted file whose only change on this side was this script's import
rewrite, takes the other side's version (the rewrite runs again after). It lists the rest.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "liveview"
PLUMBING = re.compile(r"(TypeVar|ParamSpec|getLogger|Library)\(")
SHIM_MARK = "# Moved: this path stays so that existing imports keep working"

#: Layer package -> (its two-line job, what it may import), lowest first. The same order is
#: declared in liveview/layers.py, which the import test reads.
PACKAGES: dict[str, tuple[str, str]] = {
    "core": (
        "What every layer uses: the LIVEVIEW_* settings, the htmx dialect, the page token and its\n"
        "cipher, the process's metrics, the sync-thread hop, the safe-redirect rule.",
        "Django, channels and the standard library; no other layer of liveview.",
    ),
    "pubsub": (
        "Data changes as messages: models as resources (URI, ETag), publishing a change after\n"
        "commit, the process's hub that receives them, presence (who views a topic).",
        "liveview.core.",
    ),
    "authoring": (
        "What a user writes: LiveComponent, @event and the coercion of its arguments, the kept\n"
        "state declaration, access rules (login_required, permissions).",
        "liveview.core and liveview.pubsub.",
    ),
    "runtime": (
        "A page's live components driven turn by turn: mount, dispatch, render, apply changes,\n"
        "notices, timers and ticks, one socket's turn (turn.py), one delivery's render (fanout).",
        "liveview.core, liveview.pubsub and liveview.authoring.",
    ),
    "http": (
        "The first, plain-HTTP render of a live page (the request's Page, the page token), the\n"
        "middleware that checks a page can go live, the staff inspector's view.",
        "liveview.core, liveview.pubsub, liveview.authoring and liveview.runtime.",
    ),
    "socket": (
        "The live websocket: the ASGI routing, origin check, handshake (token, CSRF, caps), the\n"
        "consumer, the wire protocol, event rates, the outbox that never waits on a browser.",
        "every layer below it (core, pubsub, authoring, runtime, http).",
    ),
    "batteries": (
        "Components and services built on the layers below: forms, the resource editor, REST,\n"
        "jobs and their progress, flash messages' component, the inspector.",
        "every layer below it.",
    ),
}

#: Flat module -> its layer package.
LAYERS: dict[str, str] = {
    **dict.fromkeys(["conf", "dialect", "metrics", "token", "token_cipher", "redirects"], "core"),
    **dict.fromkeys(["resources", "publish", "hub", "presence", "presence_registry"], "pubsub"),
    # urlstate: the alerts branch's `url_state` (the component module imports it).
    **dict.fromkeys(
        ["component", "events", "keep", "registration", "authz", "urlstate"], "authoring"
    ),
    **dict.fromkeys(
        ["page", "render", "changes", "notify", "timers", "ticks", "fanout", "flash"],
        "runtime",
    ),
    **dict.fromkeys(["static_render", "middleware", "views"], "http"),
    **dict.fromkeys(
        ["consumer", "routing", "socket_app", "origin", "limits", "outbox", "protocol"], "socket"
    ),
    **dict.fromkeys(
        [
            "forms",
            "editor",
            "sync",
            "rest",
            "rest_auth",
            "jobs",
            "job_watch",
            "progress",
            "inspector",
            "live_messages",
            # The uploads branch's modules.
            "uploads",
            "upload_form",
            "upload_handler",
            "upload_tags",
            "upload_views",
        ],
        "batteries",
    ),
}

#: project/ is left alone: the demo is user code, it imports the public paths (the shims).
SCANNED = ["liveview", "tests", "bench"]


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def is_shim(path: Path) -> bool:
    return path.exists() and SHIM_MARK in path.read_text()


def move() -> None:
    for package in PACKAGES:
        (PKG / package).mkdir(exist_ok=True)
    for module, package in LAYERS.items():
        flat, moved = PKG / f"{module}.py", PKG / package / f"{module}.py"
        if flat.exists() and not is_shim(flat):
            if moved.exists():
                sys.exit(f"both {flat} and {moved} exist: merge them by hand first")
            git("mv", str(flat.relative_to(ROOT)), str(moved.relative_to(ROOT)))
        for other in PACKAGES:  # moved to another layer since
            elsewhere = PKG / other / f"{module}.py"
            if other != package and elsewhere.exists():
                git("mv", str(elsewhere.relative_to(ROOT)), str(moved.relative_to(ROOT)))


def write_inits() -> list[Path]:
    written = []
    for package, (job, may_import) in PACKAGES.items():
        init = PKG / package / "__init__.py"
        if init.exists():
            continue
        lines = [f"# {line}" for line in job.splitlines()]
        lines.append(f"# May import: {may_import}")
        init.write_text("\n".join(lines) + "\n")
        written.append(init)
    return written


def new_name(dotted: str) -> str | None:
    """`liveview.X[.rest]` (or `liveview.<another layer>.X[.rest]`) -> `liveview.<layer>.X[.rest]`
    for a module X of LAYERS, else None."""
    parts = dotted.split(".")
    if len(parts) >= 2 and parts[0] == "liveview" and parts[1] in LAYERS:
        return ".".join(["liveview", LAYERS[parts[1]], *parts[1:]])
    between = len(parts) >= 3 and parts[0] == "liveview" and parts[1] in PACKAGES
    if between and parts[2] in LAYERS and LAYERS[parts[2]] != parts[1]:  # moved between layers
        return ".".join(["liveview", LAYERS[parts[2]], *parts[2:]])
    return None


def _misplaced(module: str, alias: str) -> bool:
    """`from <module> import <alias>` names a module of LAYERS that is not in <module>."""
    if alias not in LAYERS:
        return False
    layer_packages = {f"liveview.{package}" for package in PACKAGES}
    return module == "liveview" or (
        module in layer_packages and module != f"liveview.{LAYERS[alias]}"
    )


def _code_spans(source: str) -> list[tuple[int, int]]:
    """Offsets of the source outside strings and comments."""
    import io
    import tokenize

    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    skip = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.STRING, tokenize.COMMENT) or tok.type == getattr(
            tokenize, "FSTRING_START", -1
        ):
            skip.append(
                (starts[tok.start[0] - 1] + tok.start[1], starts[tok.end[0] - 1] + tok.end[1])
            )
    return skip


def rewrite(path: Path) -> bool:
    source = path.read_text()
    if SHIM_MARK in source:
        return False
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:  # conflict markers: resolve them, then run again
        print(f"skipped, not Python yet: {path.relative_to(ROOT)} ({exc.msg}, line {exc.lineno})")
        return False
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, list[str]]] = []  # (first line, last line, new lines), 0-based
    dotted_refs: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            first = node.lineno - 1
            if (target := new_name(node.module)) is not None:
                line = re.sub(
                    rf"\bfrom\s+{re.escape(node.module)}\b", f"from {target}", lines[first], count=1
                )
                edits.append((first, first, [line]))
            elif any(_misplaced(node.module, a.name) for a in node.names):
                last = (node.end_lineno or node.lineno) - 1
                indent = lines[first][: node.col_offset]
                tail = lines[last][node.end_col_offset or 0 :].rstrip("\n")
                comment = tail if tail.strip().startswith("#") else ""
                groups: dict[str, list[str]] = {}
                new = []
                for alias in node.names:
                    moved = _misplaced(node.module, alias.name)
                    where = f"liveview.{LAYERS[alias.name]}" if moved else node.module
                    text = alias.name + (f" as {alias.asname}" if alias.asname else "")
                    own = lines[alias.lineno - 1] if alias.lineno != node.lineno else ""
                    note = own[own.index("#") :].rstrip("\n") if "#" in own else ""
                    if note:  # a comment on the name's own line stays with it
                        one = f"{indent}from {where} import {text}  {note}\n"
                        if len(one) > 100:  # the line limit: the parenthesised form
                            one = (
                                f"{indent}from {where} import (\n"
                                f"{indent}    {text},  {note}\n{indent})\n"
                            )
                        new.append(one)
                    else:
                        groups.setdefault(where, []).append(text)
                new += [
                    f"{indent}from {where} import {', '.join(names)}{comment}\n"
                    for where, names in groups.items()
                ]
                edits.append((first, last, new))
        elif isinstance(node, ast.Import):
            first = node.lineno - 1
            line = lines[first]
            changed = False
            for alias in node.names:
                if (target := new_name(alias.name)) is not None:
                    line = re.sub(rf"\b{re.escape(alias.name)}\b", target, line, count=1)
                    changed = True
                    if alias.asname is None:
                        dotted_refs.add(alias.name)
            if changed:
                edits.append((first, first, [line]))
    if not edits and not dotted_refs:
        return False
    for first, last, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[first : last + 1] = new
    out = "".join(lines)
    for dotted in sorted(dotted_refs):
        target = new_name(dotted)
        assert target is not None
        skip = _code_spans(out)
        pieces, pos = [], 0
        for match in re.finditer(rf"(?<![\w.]){re.escape(dotted)}\b", out):
            inside = any(a <= match.start() < b for a, b in skip)
            if inside or out[match.start() - 7 : match.start()] == "import ":
                continue
            pieces += [out[pos : match.start()], target]
            pos = match.end()
        out = "".join([*pieces, out[pos:]])
    if out == source:
        return False
    path.write_text(out)
    return True


def public_names(path: Path) -> tuple[list[str], bool]:
    """A module's public names (`__all__`, or its top-level definitions not starting with `_`)
    and whether it defines a module `__getattr__` (a deprecated alias)."""
    tree = ast.parse(path.read_text())
    names: list[str] = []
    getattr_hook = False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
            getattr_hook |= node.name == "__getattr__"
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            if node.value is not None and PLUMBING.search(ast.unparse(node.value)):
                continue  # a type variable, a logger: not API
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    if target.id == "__all__" and isinstance(node.value, ast.List | ast.Tuple):
                        return [ast.literal_eval(e) for e in node.value.elts], getattr_hook
                    names.append(target.id)
        elif type(node).__name__ == "TypeAlias":
            names.append(node.name.id)  # type: ignore[attr-defined]
    return sorted({n for n in names if not n.startswith("_")}), getattr_hook


def write_shims() -> list[Path]:
    written = []
    for module, package in LAYERS.items():
        real = PKG / package / f"{module}.py"
        if not real.exists():
            continue
        try:
            names, getattr_hook = public_names(real)
        except SyntaxError:
            print(f"shim not written, {real.relative_to(ROOT)} is not Python yet")
            continue
        target = f"liveview.{package}.{module}"
        body = [
            SHIM_MARK,
            f"# (the module is {target}).",
            "from __future__ import annotations",
            "",
        ]
        if "\n__all__ = [" in real.read_text():  # its own list: no second copy of it here
            body += [
                f"from {target} import *  # noqa: F403  (its __all__)",
                f"from {target} import __all__ as __all__",
            ]
            if getattr_hook:
                body.append(f"from {target} import __getattr__ as __getattr__")
            shim = PKG / f"{module}.py"
            text = "\n".join(body) + "\n"
            if not shim.exists() or shim.read_text() != text:
                shim.write_text(text)
                written.append(shim)
            continue
        if names:
            body.append(f"from {target} import (")
            body += [f"    {name}," for name in names]
            body.append(")")
        if getattr_hook:
            body.append(f"from {target} import __getattr__ as __getattr__")
        body += ["", "__all__ = [", *[f'    "{name}",' for name in names], "]"]
        shim = PKG / f"{module}.py"
        text = "\n".join(body) + "\n"
        if not shim.exists() or shim.read_text() != text:
            shim.write_text(text)
            written.append(shim)
    return written


API_START = "<!-- layer modules: tools/restructure.py writes this list -->"
API_END = "<!-- /layer modules -->"


def write_api_list() -> None:
    api = ROOT / "docs" / "api.md"
    text = api.read_text()
    modules = [f"liveview.{package}" for package in PACKAGES] + sorted(
        f"liveview.{package}.{module}"
        for package in PACKAGES
        for module in (p.stem for p in (PKG / package).glob("*.py"))
        if module != "__init__"
    )
    listing = ", ".join(f"`{m}`" for m in modules)
    block = (
        f"{API_START}\n"
        "The layer packages and the modules in them, where the code lives (docs/architecture.md\n"
        "maps them; a public name is documented above at the path it is imported from): "
        f"{listing}.\n{API_END}"
    )
    if API_START in text:
        text = re.sub(
            rf"{re.escape(API_START)}.*?{re.escape(API_END)}", lambda _: block, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    api.write_text(text)


def _git_out(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _rewritten(source: str) -> str:
    """`source` as step 3 rewrites it (through a scratch file)."""
    scratch = ROOT / ".restructure-scratch.py"
    scratch.write_text(source)
    try:
        rewrite(scratch)
        ruff = str(ROOT / ".venv" / "bin" / "ruff")
        subprocess.run([ruff, "check", "--fix", "--select", "I,F401", "-q", str(scratch)], cwd=ROOT)
        subprocess.run([ruff, "format", "-q", str(scratch)], cwd=ROOT, check=True)
        return scratch.read_text()
    finally:
        scratch.unlink()


def resolve() -> None:
    base = _git_out("merge-base", "HEAD", "MERGE_HEAD").strip()
    conflicted = set(_git_out("diff", "--name-only", "--diff-filter=U").split())
    for module, package in LAYERS.items():
        old, new = f"liveview/{module}.py", f"liveview/{package}/{module}.py"
        in_base = subprocess.run(
            ["git", "cat-file", "-e", f"{base}:{old}"], cwd=ROOT, capture_output=True
        )
        if in_base.returncode != 0:
            continue  # new on the other side: step 1 moves it like any flat module
        patch = _git_out("diff", base, "MERGE_HEAD", "--", old)
        if not patch:
            continue
        patch = patch.replace(f"a/{old}", f"a/{new}").replace(f"b/{old}", f"b/{new}")
        done = subprocess.run(
            ["git", "apply", "-3", "--index", "-"], cwd=ROOT, input=patch, text=True
        )
        print(f"carried {old} -> {new}: {'clean' if done.returncode == 0 else 'CONFLICTS'}")
        git("checkout", "--ours", "--", old)
        git("add", old)
        conflicted.discard(old)
    for path in sorted(conflicted):
        try:
            base_text = _git_out("show", f"{base}:{path}")
        except subprocess.CalledProcessError:
            print(f"by hand: {path} (new on both sides)")
            continue
        ours = _git_out("show", f"HEAD:{path}")
        if path.endswith(".py") and _rewritten(base_text) == ours:
            git("checkout", "--theirs", "--", path)
            git("add", path)
            print(f"took theirs (ours was the import rewrite only): {path}")
        else:
            print(f"by hand: {path}")


def rewrite_doc_paths() -> None:
    def moved(match: re.Match[str]) -> str:
        module = match.group(1)
        return f"liveview/{LAYERS[module]}/{module}.py" if module in LAYERS else match.group(0)

    docs = [ROOT / "README.md", ROOT / "bench" / "benchmarks.template.md"]
    # docs/architecture.md names the shims on purpose (its own test keeps its paths true).
    docs += [p for p in sorted((ROOT / "docs").glob("*.md")) if p.name != "architecture.md"]
    for path in docs:
        text = path.read_text()
        new = re.sub(r"\bliveview/([a-z_]+)\.py\b", moved, text)
        if new != text:
            path.write_text(new)


def main() -> None:
    if "--resolve" in sys.argv:
        resolve()
    move()
    touched = write_inits()
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if ".venv" not in path.parts and rewrite(path):
                touched.append(path)
    touched += write_shims()
    write_api_list()
    rewrite_doc_paths()
    if touched:
        files = [str(p) for p in touched]
        ruff = str(ROOT / ".venv" / "bin" / "ruff")
        subprocess.run([ruff, "check", "--fix", "--select", "I,F401", "-q", *files], cwd=ROOT)
        subprocess.run([ruff, "format", "-q", *files], cwd=ROOT, check=True)
    print(f"{len(touched)} files written")


if __name__ == "__main__":
    main()
