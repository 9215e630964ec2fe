"""A stream change renders its item with the `{% live_stream %}` node of the component's
template: looked for once per template, not by a walk of every node at every event; a template
parsed again (another engine, DEBUG's autoreload) is looked at again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.template.base import NodeList
from django_components import registry

from liveview import LiveComponent, event
from liveview.authoring.streams import Stream
from liveview.runtime import render, streams
from liveview.runtime.page import Page
from liveview.testing.dom import Document


class Listed(LiveComponent):
    """Registered only while its test runs: its template is that test's file."""

    template_name = "test_streams_nodes_list.html"
    streams = {"items": Stream(key="id")}

    def mount(self) -> None:
        self.stream("items", [])

    @event
    def add(self, key: str) -> None:
        self.stream_insert("items", {"id": key, "text": f"item {key}"})


def write(directory: Path, tag: str) -> None:
    (directory / "test_streams_nodes_list.html").write_text(
        '{% load liveview %}{% live_stream "items" as row tag="ul" item_tag="li" %}'
        f"<{tag}>{{{{ row.text }}}}</{tag}>{{% endlive_stream %}}"
    )


def engines(directory: Path) -> list[dict[str, Any]]:
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [directory],
            "OPTIONS": {"builtins": []},
        }
    ]


@pytest.fixture
def listed(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Listed, registered while the test runs, its template (items in <b>) in the directory
    it gives: the only one of the template engines."""
    write(tmp_path, "b")
    settings.TEMPLATES = engines(tmp_path)
    registry.register("test_streams_nodes", Listed)
    render._templates.pop(Listed, None)
    yield tmp_path
    registry.unregister("test_streams_nodes")
    render._templates.pop(Listed, None)


def opened() -> tuple[Page, Document]:
    """A page showing a Listed, and the document its first render made."""
    page = Page(connected=True)
    page.mount("test_streams_nodes", "lv-1", {})
    return page, Document(f"<html><body>{page.render_all()}</body></html>")


def added(page: Page, doc: Document, key: str) -> str:
    frame = page.dispatch("lv-1", "add", {"key": key})
    assert frame is not None
    doc.apply(frame)
    return str(doc.one(f"#lv-1-items-{key}"))


def test_the_nodes_are_looked_for_once_per_template(
    listed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, doc = opened()
    assert added(page, doc, "1") == '<li id="lv-1-items-1"><b>item 1</b></li>'
    walks: list[object] = []
    real = NodeList.get_nodes_by_type

    def counted(self: NodeList, nodetype: type) -> list[Any]:
        walks.append(nodetype)
        return real(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    assert added(page, doc, "2") == '<li id="lv-1-items-2"><b>item 2</b></li>'
    assert added(page, doc, "3") == '<li id="lv-1-items-3"><b>item 3</b></li>'
    assert [w for w in walks if w is streams.StreamNode] == []


def test_a_template_parsed_again_is_looked_at_again(listed: Path, settings: Any) -> None:
    page, doc = opened()
    assert added(page, doc, "1") == '<li id="lv-1-items-1"><b>item 1</b></li>'
    write(listed, "i")
    settings.TEMPLATES = engines(listed)  # new engines: the file parsed again
    render._templates.pop(Listed, None)
    assert added(page, doc, "2") == '<li id="lv-1-items-2"><i>item 2</i></li>'
