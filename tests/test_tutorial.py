"""docs/tutorial.md, replayed: every command and every file, in an empty directory, from
`django-admin startproject` to a page that Chromium finds live.

The rules the document follows, so nothing in it goes untested:

- ```console blocks hold `$ ` commands, run in order (a `cd` changes the directory of the
  ones after it). Lines under a command are its expected output, in order; `...` stands for
  anything. `pip install` is not run (liveview is this checkout, not a PyPI download): every
  distribution it names, extras included, must be installed where the test runs.
  `manage.py runserver` runs on a free loopback port, and the page at `/` is opened in
  Chromium, which clicks "Increment" once the socket is live.
- Every other block is a file: its first line is a comment naming the file. The block replaces
  the file, or is appended to it ("add at the end"), or is what a command wrote ("as
  generated": the file must be exactly the block without that first line).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.new_project import project_env, run, runserver

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
FILE_NAME = re.compile(
    r"^(?:#|\{#)\s*(?P<path>[\w./-]+)(?: — (?P<mode>add at the end|as generated))?(?: #\})?$"
)


@dataclass(frozen=True)
class Command:
    line: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class File:
    path: str
    text: str
    mode: str  # "write", "add at the end" or "as generated"


def steps(markdown: str) -> list[Command | File]:
    found: list[Command | File] = []
    for fence in FENCE.finditer(markdown):
        lang, body = fence.group(1), fence.group(2)
        if lang == "console":
            found.extend(_commands(body))
            continue
        first, _, rest = body.partition("\n")
        named = FILE_NAME.match(first)
        if named is None:
            raise AssertionError(f"a ```{lang} block that names no file: {first!r}")
        mode = named.group("mode") or "write"
        found.append(File(named.group("path"), rest if mode == "as generated" else body, mode))
    return found


def _commands(body: str) -> list[Command]:
    commands: list[Command] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append(Command(line[2:], ()))
        elif not commands:
            raise AssertionError(f"output before any command: {line!r}")
        else:
            last = commands[-1]
            commands[-1] = Command(last.line, (*last.expected, line))
    return commands


def test_every_block_is_a_command_or_a_named_file() -> None:
    found = steps(TUTORIAL.read_text())
    assert sum(isinstance(s, Command) for s in found) >= 8
    assert {s.mode for s in found if isinstance(s, File)} == {
        "write",
        "add at the end",
        "as generated",
    }


def test_a_block_that_names_no_file_is_refused() -> None:
    with pytest.raises(AssertionError, match="names no file"):
        steps("```python\nprint('where does this go?')\n```\n")


def test_output_under_a_command_is_what_it_must_print() -> None:
    [command] = steps("```console\n$ python -V\nPython 3...\n```\n")
    assert command == Command("python -V", ("Python 3...",))
    _assert_shown(command, "Python 3.11.7\n")
    with pytest.raises(AssertionError, match="no line 'Python 3...'"):
        _assert_shown(command, "Python 2.7.18\n")


def test_expected_lines_must_come_in_order() -> None:
    command = Command("make", ("first", "second"))
    with pytest.raises(AssertionError, match="no line 'second'"):
        _assert_shown(command, "second\nfirst\n")


def test_a_generated_file_is_shown_without_its_name_line() -> None:
    [file] = steps("```django\n{# app/x.html — as generated #}\n<p>x</p>\n```\n")
    assert file == File("app/x.html", "<p>x</p>\n", "as generated")


def test_the_documented_install_is_what_is_installed_here() -> None:
    [install] = [s for s in steps(TUTORIAL.read_text()) if _is_pip(s)]
    assert isinstance(install, Command)
    _check_installed(install.line)


@pytest.mark.browser
def test_the_tutorial_makes_a_live_page(tmp_path: Path) -> None:
    replay = Replay(tmp_path)
    for step in steps(TUTORIAL.read_text()):
        replay.run(step)
    assert replay.saw_live_page


def _is_pip(step: Command | File) -> bool:
    return isinstance(step, Command) and step.line.startswith("pip install ")


def _check_installed(line: str) -> None:
    for word in shlex.split(line)[2:]:
        requirement = Requirement(word)
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError:
            raise AssertionError(f"{requirement.name} is not installed") from None
        for extra in requirement.extras:
            for needed in dist.requires or []:
                wanted = Requirement(needed)
                if wanted.marker is not None and wanted.marker.evaluate({"extra": extra}):
                    distribution(wanted.name)  # raises when the extra's package is missing


class Replay:
    """The tutorial's state: the directory commands run in, and what was seen."""

    def __init__(self, root: Path) -> None:
        self.cwd = root
        self.saw_live_page = False
        self.env = project_env()

    def run(self, step: Command | File) -> None:
        if isinstance(step, File):
            self._file(step)
        elif step.line.startswith("cd "):
            self.cwd = (self.cwd / step.line[3:].strip()).resolve()
        elif _is_pip(step):
            _check_installed(step.line)
        elif step.line == "python manage.py runserver":
            self._runserver()
        else:
            self._command(step)

    def _file(self, step: File) -> None:
        path = self.cwd / step.path
        if step.mode == "as generated":
            assert path.read_text() == step.text, f"{step.path} is not what the tutorial shows"
        elif step.mode == "add at the end":
            path.write_text(path.read_text() + "\n" + step.text)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text)

    def _command(self, step: Command) -> None:
        _assert_shown(step, run(step.line, self.cwd, self.env))

    def _runserver(self) -> None:
        with runserver(self.cwd, self.env) as host:
            self._click_increment(f"http://{host}/")

    def _click_increment(self, url: str) -> None:
        from playwright.sync_api import expect, sync_playwright

        from liveview.testing.browser import NoChromium, launch_chromium

        with sync_playwright() as playwright:
            try:
                browser = launch_chromium(playwright)
            except NoChromium as exc:
                pytest.skip(str(exc))
            try:
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(error.message))
                page.goto(url)
                page.wait_for_selector("body[data-lv-socket=live]", state="attached")
                count = page.locator(".counter output")
                expect(count).to_have_text("0")
                page.get_by_role("button", name="Increment").click()
                expect(count).to_have_text("1")
                page.get_by_role("button", name="Increment").click()
                expect(count).to_have_text("2")
                assert errors == []
            finally:
                browser.close()
        self.saw_live_page = True


def _assert_shown(step: Command, output: str) -> None:
    lines = iter(output.splitlines())
    for expected in step.expected:
        pattern = re.compile(".*".join(re.escape(part) for part in expected.split("...")))
        if not any(pattern.fullmatch(line.rstrip()) for line in lines):
            raise AssertionError(f"$ {step.line}: no line {expected!r} in order in\n{output}")
