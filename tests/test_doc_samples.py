"""Every code sample in README.md and docs/*.md runs, or a named test runs it.

The policy, by fence language:

- ``python``: executed, one namespace per document, top to bottom, against the demo project's
  settings and a test database (transaction=True). A block whose first line is
  ``# from <path>`` is an excerpt of that file of the repository instead: each part between
  ``...`` lines must appear in the file, in order, verbatim (the file itself is tested).
- ``django``: compiled by Django's template engine, with ``{% load liveview component_tags %}``
  already in place. Templates that need a component are rendered by the document's python.
- ``console``: each ``$ `` command is run or matched (tests/doc_samples/console.py): ``make``
  targets must exist in the Makefile; ``curl`` runs against the demo on a loopback port, and
  its output must match what the document shows under it (``...`` elides, ETags are variables).
- ``text``: a diagram or a program's output, never run; a ``$ `` command line in it fails
  (commands go in ``console`` blocks, where they are checked).
- any other language, or none, fails: say what a block is, and make sure something checks it.
  A config for another program (nginx) counts as executed only when a test runs that program
  with it in front of the demo; its document is then delegated to that test below.

Documents whose samples a dedicated test runs are listed in DELEGATED with that test; the
harness checks the test exists and reads the document, and leaves the samples to it.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.test import Client
from django_components import registry

from tests.doc_samples import ROOT, Fence, documents, fences
from tests.doc_samples.console import Demo, Session, steps

#: Document -> (the test or script that runs its samples, what it does with them).
DELEGATED: dict[str, tuple[str, str]] = {
    "docs/tutorial.md": (
        "tests/test_tutorial.py",
        "replays every command and file from `django-admin startproject` to a live page",
    ),
    "docs/testing.md": ("tests/testing/test_docs.py", "runs the test samples as tests"),
    "docs/deployment.md": (
        "tests/scale",
        "starts its server processes from the documented systemd unit (which passes "
        "`systemd-analyze verify`) with the documented channel layer, runs daphne's command "
        "and Debian's nginx with the documented block in front of them",
    ),
    "docs/benchmarks.md": ("Makefile", "`make bench` runs the scenarios and writes it"),
}
HANDLED = frozenset({"python", "django", "console", "text"})
EXCERPT = re.compile(r"\A# from (\S+)\n")
PRELUDE = "{% load liveview component_tags %}"


def _documents() -> list[str]:
    return [str(p.relative_to(ROOT)) for p in documents()]


def _own_documents() -> list[str]:
    return [d for d in _documents() if d not in DELEGATED]


# -- the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc", _own_documents())
def test_every_block_has_a_handled_language(doc: str) -> None:
    unhandled = [f"{f.where} ```{f.lang}" for f in fences(ROOT / doc) if f.lang not in HANDLED]
    assert not unhandled, (
        f"blocks no test runs: {unhandled}; use python, django or console, or delegate the "
        "document to the test that runs them (DELEGATED in tests/test_doc_samples.py)"
    )


@pytest.mark.parametrize("doc", sorted(DELEGATED))
def test_a_delegated_document_names_a_test_that_reads_it(doc: str) -> None:
    if not (ROOT / doc).exists():
        pytest.skip(f"{doc} is not in this tree")
    runner = ROOT / DELEGATED[doc][0]
    assert runner.exists(), f"{doc} is delegated to {DELEGATED[doc][0]}, which does not exist"
    files = [runner] if runner.is_file() else sorted(runner.rglob("*.py"))
    name = Path(doc).name
    assert any(name in f.read_text() for f in files), f"{runner} never mentions {name}"


# -- running the samples ------------------------------------------------------------------


@pytest.fixture
def fresh_components() -> Iterator[None]:
    """Components a document registers are unregistered after it, so it can run again."""
    before = set(registry.all())
    yield
    for name in set(registry.all()) - before:
        registry.unregister(name)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.usefixtures("fresh_components")
@pytest.mark.parametrize("doc", _own_documents())
def test_the_samples_run(doc: str, request: pytest.FixtureRequest) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_" + re.sub(r"\W", "_", doc)}
    session = Session(root=ROOT, demo=lambda: request.getfixturevalue("demo_server"))
    for fence in fences(ROOT / doc):
        if fence.lang == "python":
            _python(fence, namespace)
        elif fence.lang == "django":
            _django(fence)
        elif fence.lang == "console":
            _console(fence, session)
        elif fence.lang == "text" and re.search(r"^\$ ", fence.text, flags=re.M):
            pytest.fail(f"{fence.where}: a command in a text block: use console", pytrace=False)


def _python(fence: Fence, namespace: dict[str, Any]) -> None:
    excerpt = EXCERPT.match(fence.text)
    if excerpt is not None:
        _check_excerpt(fence, excerpt.group(1), fence.text[excerpt.end() :])
        return
    # Leading newlines put the sample's lines where they are in the document.
    code = compile("\n" * fence.line + fence.text, str(fence.doc), "exec")
    try:
        exec(code, namespace)
    except Exception as exc:
        lines = traceback.format_exception(exc, chain=False)
        pytest.fail(f"{fence.where}: the sample raised\n{''.join(lines)}", pytrace=False)


def _check_excerpt(fence: Fence, path: str, text: str) -> None:
    source = ROOT / path
    if not source.is_file():
        pytest.fail(f"{fence.where}: excerpt of {path}, which does not exist", pytrace=False)
    lines = [line.rstrip() for line in source.read_text().splitlines()]
    start = 0
    for part in re.split(r"^[ \t]*\.\.\.[ \t]*$", text, flags=re.M):
        chunk = [line.rstrip() for line in part.strip("\n").splitlines()]
        if not chunk:
            continue
        at = _find(lines, chunk, start)
        if at < 0:
            shown = "\n".join(chunk)
            pytest.fail(f"{fence.where}: not in {path} (in this order):\n{shown}", pytrace=False)
        start = at + len(chunk)


def _find(lines: list[str], chunk: list[str], start: int) -> int:
    for i in range(start, len(lines) - len(chunk) + 1):
        if lines[i : i + len(chunk)] == chunk:
            return i
    return -1


def _django(fence: Fence) -> None:
    try:
        engines["django"].from_string(PRELUDE + fence.text)
    except Exception as exc:
        pytest.fail(f"{fence.where}: the template does not compile: {exc}", pytrace=False)


def _console(fence: Fence, session: Session) -> None:
    for step in steps(fence.text):
        try:
            session.run(step)
        except AssertionError as exc:
            pytest.fail(f"{fence.where}: `{step.command}`: {exc}", pytrace=False)


@pytest.fixture
def demo_server(transactional_db: None, settings: Any) -> Iterator[Demo]:
    """The demo on a loopback port as a fresh `LIVEVIEW_REST_BASIC_AUTH=1 make run` leaves it
    (its seeded polls 1 to 3), a superuser `admin` with password `secret`, and a logged-in
    session for the shell."""
    settings.LIVEVIEW_REST_BASIC_AUTH = True  # docs/rest.md's walkthrough turns it on
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    from project.polls.models import Choice, Poll
    from tests.browser.support import LiveServer

    Poll.objects.all().delete()
    tables = [{"table": m._meta.db_table, "column": "id"} for m in (Poll, Choice)]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), tables):
            cursor.execute(sql)
    import_module("project.polls.migrations.0002_seed").seed(apps, None)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "secret")
    client = Client()
    client.force_login(admin)
    env = {"SESSIONID": client.cookies["sessionid"].value, "CSRFTOKEN": "docs" * 8}
    live = LiveServer()
    live.start()
    try:
        yield Demo(base_url=live.base_url, env=env)
    finally:
        live.stop()


def test_the_readme_links_every_document() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Documentation")
    section = readme[start : readme.index("\n## ", start + 1)]
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)\)", section))
    present = {str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")}
    assert present <= linked, f"link these from the README's Documentation: {present - linked}"
