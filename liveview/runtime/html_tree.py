# A component's HTML read into a tree whose shape is the browser's, keeping each node's place in
# the source; markup the browser would reshape (implied end tags, foster parenting, breakouts of
# svg) raises Unsafe instead, so the diff never aims at a node the browser does not have.
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

NodeKind = Literal["element", "text", "comment"]


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


VOID = _tags("area base br col embed hr img input link meta source track wbr param keygen")
#: Elements whose content the diff never enters: raw text, first-newline rules, template
#: contents, foreign content, selects (Chrome's customizable select parses its own way).
OPAQUE = _tags(
    "script style textarea title pre listing xmp iframe noembed noframes noscript "
    "plaintext template svg math select object"
)
#: Tags that never appear inside a component's HTML as the browser would keep them.
_REFUSED = _tags("html head body frameset frame image isindex")
#: A start tag of one of these closes an open <p> in the browser.
_CLOSES_P = _tags(
    "address article aside blockquote center details dialog dir div dl fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p "
    "pre search section summary table ul listing xmp plaintext li dd dt"
)
#: Elements that the browser closes when the same one starts inside them.
_NO_SELF_NESTING = _tags("a button form li dd dt option optgroup nobr")
_HEADINGS = _tags("h1 h2 h3 h4 h5 h6")
#: Where each table part may stand (its parents, as the browser keeps it).
TABLE_PARTS: dict[str, frozenset[str]] = {
    "caption": frozenset({"table"}),
    "colgroup": frozenset({"table"}),
    "thead": frozenset({"table"}),
    "tbody": frozenset({"table"}),
    "tfoot": frozenset({"table"}),
    "tr": frozenset({"thead", "tbody", "tfoot"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
    "col": frozenset({"colgroup"}),
}
#: Elements whose children the browser puts in table modes (text there is foster-parented).
TABLE_MODES = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
_TABLE_ANYWHERE = frozenset({"script", "template", "style"})
#: HTML tags that break out of svg/math in the browser.
_BREAKOUT = _tags(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr "
    "i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup "
    "table tt u ul var font"
)


#: The lists that start a new scope for an item of their kind (an <li> in a nested <ul>).
_ITEM_SCOPES = {"li": ("ul", "ol", "menu"), "dd": ("dl",), "dt": ("dl",)}


def _scope(open_tags: list[str], tag: str) -> int:
    lists = _ITEM_SCOPES.get(tag, ())
    for i in range(len(open_tags) - 1, -1, -1):
        if open_tags[i] in lists:
            return i
    return 0


class Unsafe(Exception):
    """The browser would not build the tree the source reads as."""


@dataclass(eq=False, slots=True)
class Node:
    kind: NodeKind
    #: Offsets in the source: the node, and for an element its content.
    start: int
    end: int = -1
    tag: str = ""
    #: The start tag's attributes as written (compared as text: equal text, equal attributes).
    attrs: str = ""
    inner_start: int = -1
    inner_end: int = -1
    children: list[Node] = field(default_factory=list)
    #: Inside svg/math: self-closing tags are fine there.
    foreign: bool = False

    @property
    def elements(self) -> list[Node]:
        return [c for c in self.children if c.kind == "element"]


#: A tag, a comment, or a `<` the browser would read as markup we do not handle: C-speed
#: tokenizing (the tree is built by Python per tag, never per character).
_TOKEN = re.compile(
    r"""<(?:(?P<tag>[a-zA-Z][^\s/>]*)(?P<attrs>(?:[^"'>]|"[^"]*"|'[^']*')*)>"""
    r"""|/(?P<end>[a-zA-Z][^\s/>]*)\s*>|(?P<comment>!--.*?-->)|(?P<other>[!?/]))""",
    re.DOTALL,
)
#: A quoted attribute value; a quote left once these are removed is one the browser reads
#: differently (`data-x=it's`).
_QUOTED = re.compile(r"""=\s*(?:"[^"]*"|'[^']*')""")
#: Elements whose content is text up to their end tag.
_RAW_TEXT = _tags("script style textarea title xmp iframe noembed noframes noscript plaintext")


def parse(source: str, root_tag: str = "div") -> Node:
    """The tree of `source` as the content of a `root_tag`, or Unsafe."""
    if "\r" in source or "\0" in source:
        raise Unsafe("carriage return or NUL")
    root = Node("element", 0, len(source), tag=root_tag, inner_start=0, inner_end=len(source))
    stack = [root]
    at = 0
    while True:
        match = _TOKEN.search(source, at)
        text_end = match.start() if match is not None else len(source)
        if text_end > at:
            _text(stack[-1], at, text_end, source)
        if match is None:
            break
        at = match.end()
        if match.group("other") is not None:
            raise Unsafe(
                f"markup at {match.start()}: {source[match.start() : match.start() + 9]!r}"
            )
        if match.group("comment") is not None:
            stack[-1].children.append(Node("comment", match.start(), match.end()))
            continue
        end = match.group("end")
        if end is not None:
            node = stack[-1]
            if len(stack) == 1 or node.tag != end.lower():
                raise Unsafe(f"</{end}> does not close <{node.tag}>")
            node.inner_end, node.end = match.start(), match.end()
            stack.pop()
            continue
        tag, attrs = match.group("tag").lower(), match.group("attrs")
        opened = _open(stack, tag, attrs, match.start(), match.end())
        if opened is not None and tag in _RAW_TEXT:
            close = re.compile(rf"</{tag}[\s/>]", re.IGNORECASE).search(source, at)
            if close is None:
                raise Unsafe(f"<{tag}> is never closed")
            at = close.start()  # its end tag is the next token
    if len(stack) != 1:
        raise Unsafe(f"<{stack[-1].tag}> is never closed")
    return root


def _text(parent: Node, start: int, end: int, source: str) -> None:
    if parent.tag in TABLE_MODES and source[start:end].strip():
        raise Unsafe(f"text in <{parent.tag}>")
    parent.children.append(Node("text", start, end))


def _open(stack: list[Node], tag: str, attrs: str, start: int, end: int) -> Node | None:
    """The element opened (pushed on `stack`), or None for a void or self-closed one."""
    parent = stack[-1]
    bare = _QUOTED.sub("", attrs)
    if "'" in bare or '"' in bare or "<" in bare:
        raise Unsafe(f"<{tag}> has an attribute the browser reads otherwise")
    closed = bare.rstrip().endswith("/")
    if tag in _REFUSED:
        raise Unsafe(tag)
    if parent.foreign and tag in _BREAKOUT:
        raise Unsafe(f"<{tag}> inside svg/math")
    if not parent.foreign:
        _check_nesting(stack, tag, parent)
    foreign = parent.foreign or tag in ("svg", "math")
    node = Node("element", start, tag=tag, attrs=attrs, inner_start=end, foreign=foreign)
    parent.children.append(node)
    if closed or tag in VOID:
        if closed and tag not in VOID and not parent.foreign:
            raise Unsafe(f"<{tag}/> is an open tag in HTML")
        node.end = node.inner_end = end
        return None
    stack.append(node)
    return node


def _check_nesting(stack: list[Node], tag: str, parent: Node) -> None:
    open_tags = [n.tag for n in stack]
    allowed = TABLE_PARTS.get(tag)
    if allowed is not None and parent.tag not in allowed:
        raise Unsafe(f"<{tag}> in <{parent.tag}>")
    if parent.tag in TABLE_MODES and allowed is None and tag not in _TABLE_ANYWHERE:
        raise Unsafe(f"<{tag}> in <{parent.tag}>")
    if tag in _CLOSES_P and "p" in open_tags:
        raise Unsafe(f"<{tag}> closes an open <p>")
    if tag in _NO_SELF_NESTING and tag in open_tags[_scope(open_tags, tag) :]:
        raise Unsafe(f"<{tag}> inside <{tag}>")
    if tag in _HEADINGS and parent.tag in _HEADINGS:
        raise Unsafe(f"<{tag}> in <{parent.tag}>")
