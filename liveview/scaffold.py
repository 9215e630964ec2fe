# What `manage.py startlivecomponent` writes: a component class, its template and a test using
# liveview.testing. The sources are plain strings so the command stays a thin front door.
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import AppConfig

_NAME = re.compile(r"[a-z][a-z0-9_]*")


class ScaffoldError(ValueError):
    """A name or an app the scaffold cannot use; the message says what to do instead."""


@dataclass(frozen=True)
class Scaffold:
    """The files of one new live component in one app."""

    name: str
    app: AppConfig

    @classmethod
    def of(cls, name: str, app: AppConfig) -> Scaffold:
        if not _NAME.fullmatch(name) or keyword.iskeyword(name) or name.endswith("_"):
            raise ScaffoldError(
                f"{name!r} is not a component name: use lower-case letters, digits and "
                "underscores, starting with a letter (e.g. shopping_cart)"
            )
        return cls(name, app)

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def css_class(self) -> str:
        return self.name.replace("_", "-")

    @property
    def template_name(self) -> str:
        # The demo's convention: templates/<app module's last name>/<component>.html
        return f"{self.app.name.rpartition('.')[2]}/{self.name}.html"

    @property
    def root(self) -> Path:
        return Path(self.app.path)

    def files(self) -> dict[Path, str]:
        """Every file to write, by path; `__init__.py` files only where missing."""
        tests = self.root / "tests"
        if (self.root / "tests.py").exists() and not tests.is_dir():
            test_file = self.root / f"test_{self.name}.py"  # `tests.py` takes the name `tests`
        else:
            test_file = tests / f"test_{self.name}.py"
        files: dict[Path, str] = {}
        for package in (self.root / "components", test_file.parent):
            init = package / "__init__.py"
            if package != self.root and not init.exists():
                files[init] = ""
        files[self.root / "components" / f"{self.name}.py"] = self.component()
        files[self.root / "templates" / self.template_name] = self.template()
        files[test_file] = self.test()
        return files

    def component(self) -> str:
        return f'''from __future__ import annotations

from django_components import register

from liveview import LiveComponent, event


@register("{self.name}")
class {self.class_name}(LiveComponent):
    template_name = "{self.template_name}"
    count: int = 0

    def mount(self, start: int = 0) -> None:
        self.count = start

    @event
    def increment(self, by: int = 1) -> None:
        self.count += by
'''

    def template(self) -> str:
        return f"""{{% load liveview %}}
<div class="{self.css_class}">
  <p>Count: <output>{{{{ count }}}}</output></p>
  <button type="button" {{% live "increment" %}}>Increment</button>
</div>
"""

    def test(self) -> str:
        return f'''from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from liveview.testing import LiveClient

# A page holding only this component; the test module is its own URLconf (pytest.mark.urls).
PAGE = """{{% load component_tags liveview %}}<!doctype html>
<html><body>{{% component "{self.name}" start=1 / %}}{{% liveview_scripts %}}</body></html>"""


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(PAGE).render({{}}, request))


urlpatterns = [path("{self.css_class}/", page)]

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]


async def test_increment_adds_one(live_client: LiveClient) -> None:
    live = await live_client.open("/{self.css_class}/")
    assert live.text(".{self.css_class} output") == "1"

    await live.click(".{self.css_class} button", text="Increment")

    assert live.text(".{self.css_class} output") == "2"
'''
