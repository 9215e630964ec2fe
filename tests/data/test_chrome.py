"""A DataPage's stock templates (liveview/templates/liveview/data/) are built in Python
(`liveview.data.chrome`) byte for byte as the template engine renders them: every page here is
rendered twice, once as shipped and once with the same templates copied into a project
template directory (so the engine renders them, the include-based page.html, row.html and
column.html as they were), and the two must be the same string. A project's own template for
a block is still what renders it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django_components import Component, register
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import liveview
from liveview import event
from liveview.data import (
    Button,
    Column,
    DataPage,
    Heading,
    Layout,
    Link,
    Row,
    Table,
    Text,
    chrome,
)
from liveview.data.table import TableState
from liveview.runtime import render
from liveview.runtime.page import Page

STOCK = Path(liveview.__file__).parent / "templates" / "liveview" / "data"

#: page.html, row.html and column.html as they were before `{% data_block %}`: the engine's
#: `{% include %}` of each block is the reference.
INCLUDING = {
    "page.html": '<div class="lv-data">{% if title %}<h1>{{ title }}</h1>{% endif %}\n'
    "{% for block in blocks %}{% include block.template_name %}\n{% endfor %}</div>\n",
    "row.html": '<div class="lv-data-row">{% for child in block.items %}<div>{% include '
    "child.template_name with block=child %}</div>{% endfor %}</div>\n",
    "column.html": '<div class="lv-data-column">{% for child in block.items %}{% include '
    "child.template_name with block=child %}{% endfor %}</div>\n",
}

#: What the page shows: set by each test before it renders.
LAYOUT: list[Callable[[], Layout]] = []


@register("test_chrome_page")
class ChromePage(DataPage):
    title = "Chrome"

    def layout(self) -> Layout:
        return LAYOUT[-1]()

    @event
    def add(self, **kwargs: Any) -> None:
        """A Button's event is one of the page's."""


def engine_dir(tmp: Path) -> Path:
    """A project template directory holding every stock data template (as the engine's)."""
    stock = {path.stem: INCLUDING.get(path.name, path.read_text()) for path in STOCK.glob("*.html")}
    return own_templates(tmp, **stock)


def own_templates(directory: Path, **texts: str) -> Path:
    """`directory`, a project template directory, given its own data templates: `table="…"`
    is its liveview/data/table.html."""
    target = directory / "liveview" / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (target / f"{name}.html").write_text(text)
    return directory


def templates_with(directory: Path | None) -> list[dict[str, Any]]:
    from django.conf import settings as django_settings

    configs: list[dict[str, Any]] = [dict(c) for c in django_settings.TEMPLATES]
    django_backend = next(c for c in configs if c["BACKEND"].endswith("DjangoTemplates"))
    if directory is not None:
        django_backend["DIRS"] = [directory, *django_backend.get("DIRS", [])]
    return configs


def rendered(
    layout: Callable[[], Layout],
    states: dict[str, TableState],
    *,
    directory: Path | None = None,
    title: str = "Chrome",
) -> str:
    """The page's HTML (its first render, as a socket sends it) with the templates of
    `directory` first, or liveview's own."""
    LAYOUT.append(layout)
    try:
        with override_settings(TEMPLATES=templates_with(directory)):
            render._templates.pop(ChromePage, None)  # the class's page.html, found again
            page = Page(connected=True)
            comp = page.mount("test_chrome_page", "lv-1", {})
            assert isinstance(comp, ChromePage)
            comp.table_states = states
            ChromePage.title = title
            html = page.render(comp, oob=False)
    finally:
        LAYOUT.pop()
        ChromePage.title = "Chrome"
        render._templates.pop(ChromePage, None)
    assert "lv-error" not in html
    return html


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[Path]:
    yield engine_dir(tmp_path)


def both(
    reference: Path, layout: Callable[[], Layout], states: dict[str, TableState], title: str = ""
) -> tuple[str, str]:
    fast = rendered(layout, states, title=title)
    slow = rendered(layout, states, directory=reference, title=title)
    return fast, slow


PEOPLE: list[dict[str, Any]] = [
    {"id": n, "name": name, "n": value, "ok": ok}
    for n, (name, value, ok) in enumerate(
        [
            ("Ada", 1234567, True),
            ('"Quoted" & <b>', Decimal("1234.5"), False),
            ("Zoë ✓ 東京", None, None),
            ("O'Brien", 2.5, True),
            ("", datetime.date(2024, 5, 17), False),
            ("x" * 30, -7, True),
        ]
    )
]


def state(sort: str = "", q: str = "", page: int = 1) -> TableState:
    return {"sort": sort, "q": q, "page": page}


CASES: dict[str, tuple[Callable[[], Layout], dict[str, TableState]]] = {
    "plain": (lambda: Table(PEOPLE, key="t"), {}),
    "filter with quotes": (lambda: Table(PEOPLE, key="t"), {"t": state(q="\"<&>' Zoë")}),
    "filter matching": (lambda: Table(PEOPLE, key="t", per_page=2), {"t": state(q="o")}),
    "sorted ascending": (lambda: Table(PEOPLE, key="t"), {"t": state(sort="name")}),
    "sorted descending": (lambda: Table(PEOPLE, key="t"), {"t": state(sort="-n")}),
    "first page": (lambda: Table(PEOPLE, key="t", per_page=2), {"t": state(page=1)}),
    "middle page": (lambda: Table(PEOPLE, key="t", per_page=2), {"t": state(page=2)}),
    "last page": (lambda: Table(PEOPLE, key="t", per_page=2), {"t": state(page=9)}),
    "one row": (lambda: Table(PEOPLE[:1], key="t"), {}),
    "empty": (lambda: Table([], columns=["a", "b"], key="t"), {}),
    "empty with a blank filter": (lambda: Table([], columns=["a"], key="t"), {"t": state(q=" ")}),
    "a thousand pages": (
        lambda: Table([{"n": n} for n in range(1500)], key="t", per_page=1),
        {"t": state(page=1001)},
    ),
    "empty filtered": (lambda: Table(PEOPLE, key="t"), {"t": state(q="<nothing & “”>")}),
    "not filterable": (lambda: Table(PEOPLE, key="t", filterable=False), {}),
    "not sortable": (lambda: Table(PEOPLE, key="t", sortable=["n"]), {"t": state(sort="n")}),
    "caption and labels": (
        lambda: Table(
            PEOPLE, key="t", caption="<People> & “co”", labels={"n": "N <#>", "ok": "OK?"}
        ),
        {},
    ),
    "stream": (lambda: Table(PEOPLE, key="rows", stream=True, per_page=3), {}),
    "stream empty filtered": (
        lambda: Table(PEOPLE, key="rows", stream=True),
        {"rows": state(q="zzz")},
    ),
    "blocks": (
        lambda: [
            Heading("Top <1>", level=1),
            Heading("Low", level=6),
            Text("a & b"),
            Link("go <there>", "javascript:alert(1)"),
            Link("ok", "/x?a=1&b=2"),
            Button('Add "it" <now>', "add", count=5, text="it's <b>"),
        ],
        {},
    ),
    "nested": (
        lambda: Row(
            Column(Text("left"), Heading("h", level=3), Table(PEOPLE[:2], key="a")),
            Row(Button("Add", "add"), Table(PEOPLE, key="b", per_page=4)),
        ),
        {"b": state(sort="-name", page=2)},
    ),
    "two tables": (
        lambda: [Table(PEOPLE, key="one"), Table(PEOPLE[2:], key="two", per_page=1)],
        {"two": state(page=2, q="")},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("german", [False, True])
def test_the_stock_templates_render_as_the_engine_renders_them(
    reference: Path, case: str, german: bool
) -> None:
    layout, states = CASES[case]
    with (
        override_settings(USE_THOUSAND_SEPARATOR=german),
        translation.override("de" if german else "en"),
    ):
        fast, slow = both(reference, layout, states, title="Ti<t>le & “x”")
    assert fast == slow


def test_the_reference_is_the_engine_and_the_fast_path_is_not(
    reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stock table builds in Python; the copied templates go through the engine."""
    built: list[str] = []
    real = chrome._BUILDERS[Table.template_name]

    def counting(block: Any, context: Any, bind: Any, scope: Any) -> str | None:
        built.append(block.key)
        return real[1](block, context, bind, scope)

    monkeypatch.setitem(chrome._BUILDERS, Table.template_name, (Table, counting))
    layout, states = CASES["two tables"]
    rendered(layout, states, directory=reference)
    assert built == []
    rendered(layout, states)
    assert built == ["one", "two"]


TEXT = st.text(max_size=12) | st.sampled_from(['"', "'", "<b>&amp;", "“quoted”", "Zoë", "", " "])
VALUE = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(-(10**7), 10**7),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6
    ),
)


@st.composite
def pages(draw: st.DrawFn) -> tuple[Callable[[], Layout], dict[str, TableState], str]:
    rows = [
        {"id": n, "name": draw(TEXT), "v": draw(VALUE)} for n in range(draw(st.integers(0, 12)))
    ]
    stream = draw(st.booleans())
    kwargs: dict[str, Any] = {
        "columns": ["name", "v"],
        "per_page": draw(st.integers(1, 5)),
        "filterable": draw(st.booleans()),
        "caption": draw(st.none() | TEXT),
        "labels": {"name": draw(TEXT)} if draw(st.booleans()) else None,
        "stream": stream,
    }
    sort = draw(st.sampled_from(["", "name", "-name", "v", "-v", "nope"]))
    table_state = state(sort, draw(TEXT), draw(st.integers(1, 4)))
    label, arg = draw(TEXT), draw(TEXT)

    def layout() -> Layout:
        table = Table(rows, key="rows", **kwargs)
        return [Row(Button(label, "add", a=arg), Text(arg)), table]

    return layout, {"rows": table_state}, draw(TEXT)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(page=pages(), german=st.booleans())
def test_any_table_renders_as_the_engine_renders_it(
    reference: Path, page: tuple[Callable[[], Layout], dict[str, TableState], str], german: bool
) -> None:
    layout, states, title = page
    with (
        override_settings(USE_THOUSAND_SEPARATOR=german),
        translation.override("de" if german else "en"),
    ):
        fast, slow = both(reference, layout, states, title=title)
    assert fast == slow


def test_a_projects_own_table_template_is_the_one_rendered(tmp_path: Path) -> None:
    """docs/data.md: an override of liveview/data/table.html with its own row loop."""
    own_templates(
        tmp_path,
        table='<table class="mine">{% for row in block.current.rows %}<tr>{% for cell in row %}'
        "<td>{{ cell.value }}</td>{% endfor %}</tr>{% endfor %}</table>",
        button="<a {% load liveview_data %}{% live_button block %}>{{ block.label }}!</a>",
    )
    html = rendered(
        lambda: Row(Button("Add", "add"), Table(PEOPLE[:2], key="t")),
        {},
        directory=tmp_path,
    )
    assert '<table class="mine"><tr><td>0</td><td>Ada</td>' in html
    assert (
        'hx-vals="{&quot;lv&quot;:&quot;lv-1&quot;,&quot;event&quot;:&quot;add&quot;}">Add!</a>'
        in html
    )
    assert "lv-data-table" not in html
    # and liveview's own again once the project's directory is gone
    assert "lv-data-table" in rendered(lambda: Table(PEOPLE[:2], key="t"), {})


def test_the_stock_page_is_built_in_python_and_a_projects_page_by_the_engine(
    reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """page.html too: built when the engine finds liveview's own, not the reference's copy."""
    built: list[bool] = []
    real = chrome.page_html

    def counting(template: Any, context: Any, bind: Any) -> str | None:
        html = real(template, context, bind)
        built.append(html is not None)
        return html

    monkeypatch.setattr(chrome, "page_html", counting)
    layout, states = CASES["nested"]
    rendered(layout, states, directory=reference)
    assert built == [False]
    rendered(layout, states)
    assert built == [False, True]


def test_a_projects_own_page_template_is_the_one_rendered(tmp_path: Path) -> None:
    own_templates(
        tmp_path,
        page='{% load liveview_data %}<main class="mine">{{ title }}|{% for block in blocks %}'
        "{% data_block block %}{% endfor %}</main>",
    )
    html = rendered(lambda: Text("hi"), {}, directory=tmp_path, title="T")
    assert '<main class="mine">T|<p>hi</p>\n</main>' in html
    assert "lv-data" not in html


@pytest.mark.parametrize("title", [gettext_lazy("Lazy <title>"), mark_safe("<i>safe</i>"), ""])
def test_a_title_that_is_not_plain_text_renders_as_the_engine_renders_it(
    reference: Path, title: Any
) -> None:
    fast, slow = both(reference, lambda: Text("t"), {}, title=title)
    assert fast == slow


def test_a_projects_own_block_template_sees_the_pages_loop(tmp_path: Path) -> None:
    """A block's own template rendered by the engine sees `forloop` and `block`, as it did
    included from page.html's loop."""
    own = "{{ forloop.counter }}/{{ forloop.revcounter }}{% if forloop.first %}F{% endif %}"
    own += "{% if forloop.last %}L{% endif %}:{{ block.text }}"
    fast_dir = own_templates(tmp_path / "fast", text=own)
    slow_dir = own_templates(engine_dir(tmp_path / "slow"), text=own)

    def layout() -> Layout:
        return [Text("a"), Heading("b"), Text("c"), Row(Text("inner"))]

    fast = rendered(layout, {}, directory=fast_dir)
    slow = rendered(layout, {}, directory=slow_dir)
    assert "1/4F:a" in fast and "3/2:c" in fast
    assert fast == slow


@register("test_chrome_plain")
class Plain(Component):
    template = "<em>plain {{ word }}</em>"

    def get_template_data(self, args: Any, kwargs: Any, slots: Any, context: Any) -> Any:
        return {"word": kwargs.get("word", "")}


def test_a_component_in_a_projects_own_block_template_leaves_no_marks(tmp_path: Path) -> None:
    """What django-components leaves in a nested component's output is taken out of a block
    the engine renders, as it is of a page the engine renders."""
    own = '{% component "test_chrome_plain" word=block.text / %}'
    fast_dir = own_templates(tmp_path / "fast", text=own)
    slow_dir = own_templates(engine_dir(tmp_path / "slow"), text=own)
    fast = rendered(lambda: [Text("a"), Row(Text("b"))], {}, directory=fast_dir)
    slow = rendered(lambda: [Text("a"), Row(Text("b"))], {}, directory=slow_dir)
    assert "<em>plain a</em>" in fast and "<em>plain b</em>" in fast
    assert "djc" not in fast and "_RENDERED" not in fast
    assert fast == slow
