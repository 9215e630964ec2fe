"""`manage.py startlivecomponent`: a component, its template and a test that really runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APP = "scaffold_tmp_app"
# The generated test as a user's project runs it: warnings are errors.
PYTEST_INI = f"""[pytest]
DJANGO_SETTINGS_MODULE = {APP}_settings
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error
    ignore::DeprecationWarning:twisted.*
    ignore::DeprecationWarning:autobahn.*
    ignore::DeprecationWarning:daphne.*
"""


@pytest.fixture
def app(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty installed app in a temporary directory, which is also the working directory."""
    root = tmp_path / APP
    root.mkdir()
    (root / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, APP]
    yield root
    for name in [m for m in sys.modules if m == APP or m.startswith(f"{APP}.")]:
        del sys.modules[name]


def start(*args: str) -> str:
    out = StringIO()
    call_command("startlivecomponent", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_component_its_template_and_a_test(app: Path) -> None:
    start("shopping_cart", "--app", APP)
    component = (app / "components" / "shopping_cart.py").read_text()
    assert '@register("shopping_cart")' in component
    assert "class ShoppingCart(LiveComponent):" in component
    assert f'template_name = "{APP}/shopping_cart.html"' in component
    assert '{% live "increment" %}' in (app / "templates" / APP / "shopping_cart.html").read_text()
    assert "LiveClient" in (app / "tests" / "test_shopping_cart.py").read_text()
    assert (app / "components" / "__init__.py").exists()
    assert (app / "tests" / "__init__.py").exists()


def test_without_app_it_uses_the_only_app_in_the_working_directory(app: Path) -> None:
    output = start("cart")
    assert (app / "components" / "cart.py").exists()
    assert f"created {APP}/components/cart.py" in output


def test_an_app_with_a_tests_module_gets_the_test_beside_it(app: Path) -> None:
    (app / "tests.py").write_text("")
    start("cart", "--app", APP)
    assert (app / "test_cart.py").exists()
    assert not (app / "tests").exists()


def test_it_never_overwrites_a_file(app: Path) -> None:
    template = app / "templates" / APP / "cart.html"
    template.parent.mkdir(parents=True)
    template.write_text("mine")
    with pytest.raises(CommandError, match=r"not overwriting .*cart\.html"):
        start("cart", "--app", APP)
    assert template.read_text() == "mine"
    assert not (app / "components").exists()


@pytest.mark.parametrize("name", ["ShoppingCart", "shopping-cart", "1cart", "class", "cart_", ""])
def test_a_name_that_is_not_a_lower_case_identifier_is_refused(app: Path, name: str) -> None:
    with pytest.raises(CommandError, match="is not a component name"):
        start(name, "--app", APP)
    assert not (app / "components").exists()


def test_a_name_already_registered_is_refused(app: Path) -> None:
    with pytest.raises(CommandError, match=r"already registered as 'counter' \(project\.counter"):
        start("counter", "--app", APP)


def test_an_unknown_app_is_refused() -> None:
    with pytest.raises(CommandError, match="no installed app with the label 'nope'"):
        start("cart", "--app", "nope")


def test_several_apps_in_the_working_directory_need_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the demo: six apps
    with pytest.raises(CommandError, match="pass --app with one of: .*demo_counter"):
        start("cart")


def test_the_generated_code_passes_ruff_and_mypy_strict(app: Path) -> None:
    start("shopping_cart", "--app", APP)
    files = [str(p) for p in app.rglob("*.py")]
    config = str(ROOT / "pyproject.toml")
    commands: list[list[str | Path]] = [
        [BIN / "ruff", "check", "--config", config, *files],
        [BIN / "ruff", "format", "--check", "--config", config, *files],
        [BIN / "mypy", "--config-file", config, *files],
    ]
    for command in commands:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_test_passes(app: Path, tmp_path: Path) -> None:
    start("shopping_cart", "--app", APP)
    (tmp_path / f"{APP}_settings.py").write_text(
        "from project.settings import *  # noqa: F403\n\n"
        f'INSTALLED_APPS = [*INSTALLED_APPS, "{APP}"]  # noqa: F405\n'
    )
    (tmp_path / "pytest.ini").write_text(PYTEST_INI)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(app)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_readme_names_the_files_it_writes_in_an_app_made_by_startapp(app: Path) -> None:
    (app / "tests.py").write_text("")  # startapp writes one
    start("cart", "--app", APP)
    readme = (ROOT / "README.md").read_text()
    paragraph = readme[readme.index("`python manage.py startlivecomponent") :].split("\n\n")[0]
    named = {
        p.replace("APP", APP).replace("NAME", "cart")
        for p in re.findall(r"`(APP/[\w/]+\.(?:py|html))`", paragraph)
    }
    written = {
        str(p.relative_to(app.parent))
        for p in app.rglob("*.*")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }
    assert named == written - {f"{APP}/tests.py"}
