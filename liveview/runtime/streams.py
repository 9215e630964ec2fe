# A stream's HTML: `{% live_stream %}`'s container and items, and the out-of-band parts that
# insert and delete one item (liveview/authoring/streams.py records them; docs/streams.md).
from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import template
from django.template import Context
from django.template.base import (
    FilterExpression,
    NodeList,
    Parser,
    Template,
    Token,
    token_kwargs,
)
from django.utils.html import escape

from liveview.authoring.streams import StreamState, key_id, stream_of, stream_state
from liveview.core import dialect
from liveview.core.dialect import StreamSwap
from liveview.runtime.render import Handle, component_template, context_data

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent

_TAG = re.compile(r"[a-z][a-z0-9]{0,15}")
_ATTR = re.compile(r"[a-z][a-z0-9-]{0,39}")
#: Marks an item a part inserted: the glue (and the test client) put it in the place of an
#: item with its id, if the page shows one, then drop the mark.
INSERTED = "data-lv-ins"


def container_id(comp: LiveComponent, name: str) -> str:
    return f"{comp._lv.id}-{name}"


def item_id(comp: LiveComponent, name: str, key: str) -> str:
    return f"{container_id(comp, name)}-{key_id(key)}"


class StreamNode(template.Node):
    """`{% live_stream "name" as item tag="ul" item_tag="li" ... %}body{% endlive_stream %}`.

    The name may be a variable (`{% live_stream block.stream_name as row %}`): a template
    included for several streams (a DataPage's table) names its stream when it renders."""

    def __init__(
        self,
        name: str | FilterExpression,
        var: str,
        attrs: dict[str, FilterExpression],
        nodelist: NodeList,
    ) -> None:
        #: The stream's name, or "" when a variable names it at render (`named`).
        self.name = name if isinstance(name, str) else ""
        self.named = name if not isinstance(name, str) else None
        self.var, self.nodelist = var, nodelist
        self.tag = _literal(attrs.pop("tag", None), "div")
        self.item_tag = _literal(attrs.pop("item_tag", None), "div")
        self.item_attrs = {k[5:]: v for k, v in attrs.items() if k.startswith("item_")}
        self.attrs = {k: v for k, v in attrs.items() if not k.startswith("item_")}
        for key in (*self.attrs, *self.item_attrs):
            if not _ATTR.fullmatch(key.replace("_", "-")) or key in ("id", "hx-preserve"):
                raise template.TemplateSyntaxError(f"live_stream: no attribute {key!r}")

    def stream_name(self, context: Context) -> str:
        if self.named is None:
            return self.name
        name = self.named.resolve(context)
        if not isinstance(name, str) or not name:
            raise template.TemplateSyntaxError(
                f"live_stream: {self.named.token} is {name!r}, not a stream's name"
            )
        return name

    def render(self, context: Context) -> str:
        name = self.stream_name(context)
        comp = _component(context, name)
        if self.named is not None:  # the node that renders this stream's items from now on
            _named.setdefault(type(comp), {})[name] = self
        state = stream_state(comp, name)
        declared = stream_of(comp, name)
        attrs = _attrs(self.attrs, context)
        if declared.limit is not None:
            limit = declared.limit if declared.at == 0 else -declared.limit
            attrs += f' data-lv-limit="{limit}"'
        start = f'<{self.tag} id="{container_id(comp, name)}" data-lv-stream="{name}"'
        # The page has the items: a whole re-render keeps them (htmx's hx-preserve).
        kept = f"{start}{attrs} hx-preserve></{self.tag}>"
        if not state.full:
            return kept
        refill = state.refill and comp._lv.html is not None  # the page shows the container
        inner = "".join(self.item(context, comp, name, item) for item in _window(state))
        if refill:  # sent as one part by the next flush, into the container the page keeps
            state.refilled = inner
            return kept
        full = f"{start}{attrs}>{inner}</{self.tag}>"
        # What the component's HTML is compared with next time: the page keeps the items.
        record = comp._lv
        if record.stream_full is None:
            record.stream_full = []
        record.stream_full.append((full, kept))
        return full

    def item(
        self,
        context: Context,
        comp: LiveComponent,
        name: str,
        item: object,
        *,
        inserted: bool = False,
    ) -> str:
        key = stream_of(comp, name).key_of(item)
        with context.push({self.var: item}):
            body = self.nodelist.render(context)
            attrs = _attrs(self.item_attrs, context)
        mark = f' {INSERTED}=""' if inserted else ""
        ident = item_id(comp, name, key)
        return f'<{self.item_tag} id="{ident}"{attrs}{mark}>{body}</{self.item_tag}>'


def _window(state: StreamState) -> list[Any]:
    # Read once and dropped: nothing of the list stays on the server.
    items = list(state.window or ())
    state.window, state.full, state.refill = None, False, False
    return items


def _literal(value: FilterExpression | None, default: str) -> str:
    if value is None:
        return default
    text = value.var if isinstance(value.var, str) and not value.filters else None
    if text is None or not _TAG.fullmatch(text):
        raise template.TemplateSyntaxError(f"live_stream: a tag name in quotes, not {value.token}")
    return text


def _attrs(attrs: dict[str, FilterExpression], context: Context) -> str:
    out = []
    for key, expr in attrs.items():
        value = expr.resolve(context)
        if value is None or value is False:
            continue
        out.append(f' {key.replace("_", "-")}="{escape(value)}"')
    return "".join(out)


def _component(context: Context, name: str) -> LiveComponent:
    handle = context.get("lv")
    comp = getattr(handle, "component", None)
    if comp is None:
        raise template.TemplateSyntaxError(
            f'{{% live_stream "{name}" %}} outside a live component\'s template'
        )
    return comp  # type: ignore[no-any-return]


def compile_stream(parser: Parser, token: Token) -> StreamNode:
    """The `{% live_stream %}` tag (registered in liveview/templatetags/liveview.py)."""
    bits = token.split_contents()
    usage = '{% live_stream "name" as item [tag="ul"] [item_tag="li"] [attr=value ...] %}'
    if len(bits) < 4 or bits[2] != "as":
        raise template.TemplateSyntaxError(f"live_stream: {usage}")
    quoted = bits[1][0] in "\"'" and bits[1][-1] == bits[1][0] and len(bits[1]) > 1
    name: str | FilterExpression = bits[1][1:-1] if quoted else parser.compile_filter(bits[1])
    var = bits[3]
    rest = bits[4:]
    attrs = token_kwargs(rest, parser)
    if rest:
        raise template.TemplateSyntaxError(f"live_stream: {usage}; left over: {rest}")
    nodelist = parser.parse(("endlive_stream",))
    parser.delete_first_token()
    return StreamNode(name, var, attrs, nodelist)


#: The `{% live_stream %}` nodes named by a variable, by the class and the stream they rendered.
_named: weakref.WeakKeyDictionary[type[LiveComponent], dict[str, StreamNode]] = (
    weakref.WeakKeyDictionary()
)


#: `_nodes`' answer by the class's template and the templates it names in `stream_templates`
#: (weak: a template parsed again, after DEBUG's autoreload or by a loader without a cache, is
#: looked at again, and an old one not kept).
_found: weakref.WeakKeyDictionary[Template, dict[tuple[str, ...], Mapping[str, StreamNode]]] = (
    weakref.WeakKeyDictionary()
)


def _nodes(cls: type[LiveComponent]) -> Mapping[str, StreamNode]:
    """The class's `{% live_stream %}` nodes by name: its template's, and those of the templates
    it names in `stream_templates` (included ones, found by the engine of the class's template,
    as its `{% include %}` finds them); "" is the node named by a variable, when there is one
    only (several: each is known by the stream it rendered, `_named`). Looked for once per
    template (a walk of every node: tens of µs an event)."""
    own = component_template(cls)
    known = _found.get(own)
    if known is None:
        known = _found[own] = {}
    names = cls.stream_templates
    found = known.get(names)
    if found is None:
        found = known[names] = _walk(own, names)
    return found


def _walk(own: Template, included: tuple[str, ...]) -> dict[str, StreamNode]:
    nodelists = [own.nodelist]
    nodelists += [own.engine.get_template(n).nodelist for n in included]
    found = [n for nodes in nodelists for n in nodes.get_nodes_by_type(StreamNode)]
    by_name = {node.name: node for node in found if isinstance(node, StreamNode) and node.name}
    variable = [n for n in found if isinstance(n, StreamNode) and not n.name]
    if len(variable) == 1:
        by_name[""] = variable[0]
    return by_name


def as_kept(comp: LiveComponent, html: str) -> str:
    """`html` (the component's render) with its full streams as a re-render shows them, kept:
    what the next render is compared with."""
    record = comp._lv
    pairs, record.stream_full = record.stream_full or [], None
    for full, kept in pairs:
        html = html.replace(full, kept, 1)
    record.stream_reset = bool(pairs)
    return html


def was_reset(comp: LiveComponent) -> bool:
    """Whether the component's last render showed a stream in full (sent even when the rest of
    its HTML is the same)."""
    record = comp._lv
    reset, record.stream_reset = record.stream_reset, False
    return reset


def discard(comp: LiveComponent) -> None:
    """Forget the changes not sent (the handler that made them failed)."""
    for state in (comp._lv.streams or {}).values():
        state.ops, state.refilled = [], None


def flush(comp: LiveComponent) -> str:
    """The out-of-band parts of the stream changes made since the last render ("" if none)."""
    states = comp._lv.streams
    if not states:
        return ""
    ops = [op for state in states.values() for op in state.ops]
    filled = [(name, s.refilled) for name, s in states.items() if s.refilled is not None]
    if not ops and not filled:
        return ""
    discard(comp)
    speaks = dialect.current()
    # A reset first: the stream's items in its container, then the changes made after it.
    refills = [speaks.targeted("innerHTML", container_id(comp, n), html) for n, html in filled]
    if not ops:
        return "".join(refills)
    nodes = _nodes(type(comp))
    tmpl = component_template(type(comp))
    own = comp.stream_item_context()
    data = context_data(comp, Handle(comp)) if own is None else {**own, "lv": Handle(comp)}
    context = Context(data, autoescape=tmpl.engine.autoescape)
    parts = []
    # What `render_context.push_state` and `bind_template` set, set directly (as render_inner
    # does): the context is this flush's own and dropped after it.
    context.template = context.render_context.template = tmpl
    context.render_context.push()
    for op in ops:
        if op.kind == "delete":
            parts.append(speaks.targeted("delete", item_id(comp, op.stream, op.key)))
            continue
        node = nodes.get(op.stream) or _named.get(type(comp), {}).get(op.stream)
        node = node or nodes.get("")
        if node is None:
            raise LookupError(
                f'{type(comp).__name__}\'s template has no {{% live_stream "{op.stream}" %}}'
            )
        style: StreamSwap = "afterbegin" if op.at == 0 else "beforeend"
        html = node.item(context, comp, op.stream, op.item, inserted=True)
        parts.append(speaks.targeted(style, container_id(comp, op.stream), html))
    return "".join(refills + parts)
