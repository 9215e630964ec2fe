"""README.md's quickstart, followed word for word in a new project: `manage.py check` says
nothing but "no issues", and under `runserver` the page is live (its socket answers, a click
re-renders the count) — no browser needed: the test sends what the button's binding sends.

How the quickstart's blocks are applied, as its own words say:

- The project is `django-admin startproject mysite` with `startapp myapp` installed: the
  "existing project" the quickstart starts from.
- Each block's first line is a comment naming its file. The settings block is added at the end
  of the settings, where a `...,` line of a list stands for what the list already holds (so it
  becomes `*NAME,`). Every other block creates or replaces its file.
- The URL the text gives after the view (`path(...)`) is added to `mysite/urls.py`.
"""

from __future__ import annotations

import html
import json
import re
import urllib.request
from contextlib import AbstractContextManager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from liveview.socket.protocol import VERSION_KEY
from tests.doc_samples import ROOT, Fence, fences
from tests.new_project import SERVER_TIMEOUT, project_env, run, runserver

README = ROOT / "README.md"
SECTION = "## Quickstart"
FILE_NAME = re.compile(r"^(?:#|\{#)\s*(?P<path>[\w./-]+)(?: #\})?$")
LIST_START = re.compile(r"^(?P<name>[A-Z_]+) = \[$")
URL = re.compile(r"`(path\([^`]*\))`")
SETTINGS = "mysite/settings.py"
EPOCH = re.compile(r'id="lv-epoch" hidden data-v="([^"]+)"')
NO_ISSUES = "System check identified no issues (0 silenced)."


@dataclass(frozen=True)
class File:
    path: str
    text: str


def quickstart() -> tuple[list[File], list[str]]:
    """The quickstart's files, in order, and the URL patterns its text adds."""
    text = README.read_text()
    start = text.index(SECTION)
    end = text.index("\n## ", start + 1)
    first, last = text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1
    blocks = [f for f in fences(README) if first <= f.line <= last]
    return [_file(f) for f in blocks], URL.findall(text[start:end])


def _file(fence: Fence) -> File:
    name, _, body = fence.text.partition("\n")
    named = FILE_NAME.match(name)
    assert named is not None, f"{fence.where}: a quickstart block that names no file: {name!r}"
    return File(named["path"], fence.text)


def as_settings(block: str) -> str:
    """The settings block as added at the end: `...,` in a list is what the list held."""
    lines: list[str] = []
    name: str | None = None
    for line in block.splitlines():
        started = LIST_START.match(line)
        if started:
            name = started["name"]
        elif line == "]":
            name = None
        elif line.strip().startswith("...,"):
            assert name is not None, f"`...` outside a list: {line!r}"
            line = line.replace("...", f"*{name}", 1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_settings_block_keeps_what_the_lists_held() -> None:
    block = '# s.py\nAPPS = [\n    "first",\n    ...,  # yours\n    "last",\n]\n'
    assert "    *APPS,  # yours\n" in as_settings(block)


def test_every_quickstart_block_names_its_file() -> None:
    files, urls = quickstart()
    assert SETTINGS in [f.path for f in files]
    assert urls == ['path("counter/", views.counter_page)']


class Project:
    """A new project in `root`, built the way the quickstart's reader has it."""

    def __init__(self, root: Path) -> None:
        self.root = root / "mysite"
        self.env = project_env()
        self.run("django-admin startproject mysite", cwd=root)
        self.run("python manage.py startapp myapp")
        self.add(SETTINGS, 'INSTALLED_APPS += ["myapp"]\n')

    def run(self, command: str, cwd: Path | None = None) -> str:
        return run(command, cwd or self.root, self.env)

    def add(self, path: str, text: str) -> None:
        file = self.root / path
        file.write_text(file.read_text() + "\n" + text)

    def write(self, path: str, text: str) -> None:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)

    def serve(self) -> AbstractContextManager[str]:
        """`runserver` on a free port, until the block ends; its host:port."""
        return runserver(self.root, self.env)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The quickstart followed word for word, plus one page that forgets the scripts tag."""
    made = Project(tmp_path_factory.mktemp("quickstart"))
    files, urls = quickstart()
    for file in files:
        if file.path == SETTINGS:
            made.add(file.path, as_settings(file.text))
        else:
            made.write(file.path, file.text)
    made.add("mysite/urls.py", f"from myapp import views\n\nurlpatterns += [{', '.join(urls)}]\n")
    page = (made.root / "myapp/templates/myapp/page.html").read_text()
    made.write(
        "myapp/templates/myapp/noscripts.html",
        "".join(line for line in page.splitlines(True) if "liveview_scripts" not in line),
    )
    made.add(
        "mysite/urls.py",
        "from django.views.generic import TemplateView\n\nurlpatterns += [path('noscripts/', "
        "TemplateView.as_view(template_name='myapp/noscripts.html'))]\n",
    )
    made.run("python manage.py migrate")
    return made


def test_manage_py_check_is_silent(project: Project) -> None:
    assert project.run("python manage.py check").strip() == NO_ISSUES


def test_the_page_is_live_under_runserver(project: Project) -> None:
    from websockets.sync.client import connect
    from websockets.typing import Origin

    with project.serve() as host:
        with urllib.request.urlopen(f"http://{host}/counter/") as response:
            page = response.read().decode()
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        assert "Count: 5" in page
        [url] = re.findall(r'data-url="([^"]+)"', page)
        binding = re.search(r'hx-vals="([^"]+)"[^>]*>Increment<', page)
        assert binding is not None, page
        cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
        with connect(
            f"ws://{host}{html.unescape(url)}",
            origin=Origin(f"http://{host}"),
            additional_headers={"Cookie": cookie},
            open_timeout=SERVER_TIMEOUT,
        ) as socket:
            # What the glue does: wait for the connect's render, stamp the event with its epoch.
            frames = ""
            while (epoch := EPOCH.search(frames)) is None:
                frames += str(socket.recv(timeout=SERVER_TIMEOUT))
            event = json.loads(html.unescape(binding[1]))
            assert event["event"] == "increment"
            socket.send(json.dumps({**event, VERSION_KEY: epoch[1]}))
            frames = ""
            while "Count: 6" not in frames:
                frames += str(socket.recv(timeout=SERVER_TIMEOUT))


def test_a_page_without_the_scripts_tag_says_so(project: Project) -> None:
    with project.serve() as host:
        with urllib.request.urlopen(f"http://{host}/noscripts/") as response:
            page = response.read().decode()
        assert "Count: 5" in page
        assert "lv-missing-scripts" in page
