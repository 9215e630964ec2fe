# The stock templates of a DataPage's blocks (liveview/templates/liveview/data/*.html) built in
# Python, byte for byte as the template engine renders them, when the template the engine finds
# for a block's name is liveview's own file. A project's override of one is rendered by the
# engine, as `{% include %}` would (docs/data.md, "Your own templates").
from __future__ import annotations

import html
import os
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.template.base import Template, render_value_in_context
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString

from liveview.core.redirects import safe_href
from liveview.data.blocks import Block, Button, Column, Heading, Link, Row, Text
from liveview.data.chart import Chart
from liveview.data.table import Table
from liveview.runtime.render import without_marks
from liveview.runtime.streams import StreamNode

#: `{% live event key=value %}` in the context being rendered: what the tag returns.
Bind = Callable[..., SafeString]

#: liveview's own template directory (where the stock templates are).
_STOCK_DIR = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "templates"))

#: By the engine and the template name: the template it finds, and whether that is liveview's
#: own file. Cached unless DEBUG (where the autoreloader may swap templates); new TEMPLATES or
#: apps (a test's) are new engines, so new keys.
_resolved: dict[tuple[Any, str], tuple[Template, bool]] = {}


def _resolve(context: Context, name: str) -> tuple[Template, bool]:
    """The template `{% include name %}` renders in `context` (found by the engine of the
    template being rendered) and whether it is liveview's own file."""
    engine = context.template.engine if context.template is not None else Engine.get_default()
    found = _resolved.get((engine, name))
    if found is None or settings.DEBUG:
        template = engine.get_template(name)
        found = _resolved[(engine, name)] = (template, _is_stock(template, name))
    return found


def block_html(block: Block, context: Context, bind: Bind, scope: Scope = None) -> str:
    """The block as ``{% include block.template_name with block=block %}`` renders it in
    `context`: built here when the engine would render liveview's own template (and escapes,
    as it does by default), else by the engine, with `scope()` (the variables of the loop
    rendering it, when that loop is built here) in the context too."""
    name = block.template_name
    template, stock = _resolve(context, name)
    if stock and context.autoescape:
        build = _BUILDERS.get(name)
        if build is not None and isinstance(block, build[0]):
            built = build[1](block, context, bind, scope)
            if built is not None:
                return built
    with context.push(scope() if scope is not None else {}), context.push(block=block):
        return without_marks(template.render(context))


#: A DataPage's template (liveview/templates/liveview/data/page.html).
PAGE = "liveview/data/page.html"
#: By template: whether it is liveview's own page.html (a project's override is not).
_stock_pages: weakref.WeakKeyDictionary[Template, bool] = weakref.WeakKeyDictionary()


def page_html(template: Template, context: Context, bind: Bind) -> str | None:
    """liveview/data/page.html as the engine renders `template` in `context` (a DataPage's:
    its `blocks` and `title`), or None when `template` is not liveview's own file (a
    project's, a subclass's own): the engine renders it."""
    stock = _stock_pages.get(template)
    if stock is None:
        stock = _stock_pages[template] = _is_stock(template, PAGE)
    blocks, title = context.get("blocks"), context.get("title")
    if not stock or not context.autoescape or type(blocks) is not list or type(title) is not str:
        return None
    out = ['<div class="lv-data">', f"<h1>{html.escape(title)}</h1>\n" if title else "\n"]
    # `{% for block in blocks %}{% data_block block %}\n{% endfor %}`
    for number, block in enumerate(blocks):
        out.append(block_html(block, context, bind, _loop(context, None, number, blocks, "block")))
        out.append("\n")
    out.append("</div>\n")
    return "".join(out)


#: The variables of the loops a block is rendered in (a `{% for %}` of the templates built
#: here), made only when a block's template is rendered by the engine (a project's own).
Scope = Callable[[], dict[str, Any]] | None


def _loop(context: Context, outer: Scope, number: int, items: list[Any], name: str) -> Scope:
    """What ``{% for name in items %}`` sets for item `number`, in `outer`'s loop (if any)."""

    def scope() -> dict[str, Any]:
        parent = outer()["forloop"] if outer is not None else context.get("forloop", {})
        count = len(items)
        loop = {"parentloop": parent, "counter0": number, "counter": number + 1}
        loop.update(revcounter=count - number, revcounter0=count - number - 1)
        loop.update(first=number == 0, last=number == count - 1)
        return {"forloop": loop, name: items[number]}

    return scope


def _is_stock(template: Template, name: str) -> bool:
    """Whether `template` is liveview's own file `name`."""
    origin = getattr(template.origin, "name", None)
    return isinstance(origin, str) and os.path.realpath(origin) == os.path.join(
        _STOCK_DIR, *name.split("/")
    )


def _show(value: Any, context: Context) -> str:
    """``{{ value }}`` in `context`: localized, escaped. Text is escaped as the engine's
    `escape` does (without its check for lazy text); a whole number is its digits when no
    thousand separator can apply (none is set, or it has one digit), as `localize` finds."""
    if type(value) is str:
        return html.escape(value)
    if type(value) is int and (0 <= value < 10 or not settings.USE_THOUSAND_SEPARATOR):
        return str(value)
    return render_value_in_context(value, context)


# Each builder below is the template of the same name, line for line; None: let the engine.


def _button(block: Button, context: Context, bind: Bind, scope: Scope) -> str:
    # liveview/data/button.html; `{% live_button block %}` is `{% live %}` with these.
    attrs = bind(block.event_name, **block.args)
    return f'<button type="button" {attrs}>{_show(block.label, context)}</button>\n'


def _text(block: Text, context: Context, bind: Bind, scope: Scope) -> str:
    return f"<p>{_show(block.text, context)}</p>\n"


def _link(block: Link, context: Context, bind: Bind, scope: Scope) -> str:
    href = _show(safe_href(block.href), context)
    return f'<p><a href="{href}">{_show(block.text, context)}</a></p>\n'


def _heading(block: Heading, context: Context, bind: Bind, scope: Scope) -> str:
    level = next((n for n in (1, 2, 3, 4, 5) if block.level == n), 6)
    return f"<h{level}>{_show(block.text, context)}</h{level}>\n"


def _chart(block: Chart, context: Context, bind: Bind, scope: Scope) -> str:
    return f'<figure class="lv-data-chart">{_show(block.svg(), context)}</figure>\n'


def _row(block: Row, context: Context, bind: Bind, scope: Scope) -> str:
    items = block.items
    inner = "".join(
        [
            f"<div>{block_html(c, context, bind, _loop(context, scope, n, items, 'child'))}</div>"
            for n, c in enumerate(items)
        ]
    )
    return f'<div class="lv-data-row">{inner}</div>\n'


def _column(block: Column, context: Context, bind: Bind, scope: Scope) -> str:
    items = block.items
    inner = "".join(
        [
            block_html(c, context, bind, _loop(context, scope, n, items, "child"))
            for n, c in enumerate(items)
        ]
    )
    return f'<div class="lv-data-column">{inner}</div>\n'


def _table(block: Table, context: Context, bind: Bind, scope: Scope) -> str | None:
    """liveview/data/table.html (a stream table's rows: by its `{% live_stream %}` node)."""
    view = block.current
    handle = context.get("lv")
    if view is None or handle is None:
        return None
    key = _show(block.key, context)
    q = view.state["q"]
    out = [f'<div class="lv-data-table" data-table="{key}">\n']
    if block.filterable:
        field = f"{_show(handle.id, context)}-{key}-q"
        live = bind("table_filter", table=block.key, on="input", debounce=block.debounce)
        out.append(
            f'<p><label for="{field}">Filter</label>\n<input id="{field}" name="q" '
            f'type="search" value="{_show(q, context)}" autocomplete="off" {live}></p>'
        )
    out.append("\n<table>")
    if block.caption:
        out.append(f"<caption>{_show(block.caption, context)}</caption>")
    out.append("\n<thead><tr>")
    for h in view.headers:
        label = _show(h.label, context)
        out.append(f'<th scope="col" aria-sort="{_show(h.aria_sort, context)}">')
        if h.sortable:
            live = bind("table_sort", table=block.key, column=h.column)
            arrow = " ▲" if h.direction == "asc" else " ▼" if h.direction == "desc" else ""
            out.append(f'<button type="button" {live}>{label}{arrow}</button></th>')
        else:
            out.append(f"{label}</th>")
    out.append("</tr></thead>\n")
    empty = ""
    if not view.values:
        columns = _show(len(view.headers), context)
        match = f" match “{_show(q, context)}”" if q else ""
        empty = f'<tr><td colspan="{columns}">No rows{match}.</td></tr>'
    if block.stream:  # the template's own {% live_stream %} node renders the rows
        with context.push(block=block, view=view):
            out.append(_stream_node(_resolve(context, block.template_name)[0]).render(context))
        out.append(f"<tfoot>{empty}</tfoot>\n</table>\n" if empty else "\n</table>\n")
    else:
        out.append(f"<tbody>{view.rows_html() if view.values else empty}</tbody>\n</table>\n")
    page = view.page
    previous = "disabled"
    if page.has_previous():
        previous = bind("table_page", table=block.key, page=page.previous_page_number())
    following = "disabled"
    if page.has_next():
        following = bind("table_page", table=block.key, page=page.next_page_number())
    count = view.count
    out.append(
        f'<nav class="lv-data-pages" aria-label="Pages"><button '
        f'type="button" {previous}>Previous</button>\n<span class="lv-data-page-info">Page '
        f"{_show(page.number, context)} of {_show(page.paginator.num_pages, context)} · "
        f"{_show(count, context)} row{_show(pluralize(count), context)}</span>\n<button "
        f'type="button" {following}>Next</button></nav>\n</div>\n'
    )
    return "".join(out)


def _stream_node(template: Template) -> StreamNode:
    """The stock table template's `{% live_stream %}` (one node: the same object each time,
    as the stream machinery knows the node that rendered a stream's items)."""
    node = _stream_nodes.get(template)
    if node is None:
        (found,) = template.nodelist.get_nodes_by_type(StreamNode)
        assert isinstance(found, StreamNode)
        node = _stream_nodes[template] = found
    return node


_stream_nodes: weakref.WeakKeyDictionary[Template, StreamNode] = weakref.WeakKeyDictionary()

_Builder = Callable[[Any, Context, Bind, Scope], "str | None"]
#: By stock template name: the block class it is built for, and its builder.
_BUILDERS: dict[str, tuple[type[Block], _Builder]] = {
    Table.template_name: (Table, _table),
    Button.template_name: (Button, _button),
    Text.template_name: (Text, _text),
    Link.template_name: (Link, _link),
    Heading.template_name: (Heading, _heading),
    Chart.template_name: (Chart, _chart),
    Row.template_name: (Row, _row),
    Column.template_name: (Column, _column),
}
