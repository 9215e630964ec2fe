# A component's HTML read into a tree whose shape is the browser's, keeping each node's place in
# the source; markup the browser would reshape (implied end tags, foster parenting, breakouts of
# svg) raises Unsafe instead, so the diff never aims at a node the browser does not have.
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
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
_TABLE_MODES = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
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
    attrs: tuple[tuple[str, str], ...] = ()
    inner_start: int = -1
    inner_end: int = -1
    children: list[Node] = field(default_factory=list)
    #: Inside svg/math: self-closing tags are fine there.
    foreign: bool = False

    @property
    def elements(self) -> list[Node]:
        return [c for c in self.children if c.kind == "element"]


class _Builder(HTMLParser):
    def __init__(self, source: str, root_tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self._lines = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self._lines.append(i + 1)
        self.root = Node("element", 0, len(source), tag=root_tag, inner_start=0)
        self.root.inner_end = len(source)
        self.stack = [self.root]

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        parent = self.stack[-1]
        foreign = parent.foreign or tag in ("svg", "math")
        if tag in _REFUSED:
            raise Unsafe(tag)
        if parent.foreign and tag in _BREAKOUT:
            raise Unsafe(f"<{tag}> inside svg/math")
        if not parent.foreign:
            self._check_nesting(tag, parent)
        names = [name for name, _ in attrs]
        if len(set(names)) != len(names):
            raise Unsafe(f"<{tag}> repeats an attribute")
        start = self._offset()
        raw = self.get_starttag_text() or ""
        node = Node(
            "element",
            start,
            tag=tag,
            attrs=tuple((n, v or "") for n, v in attrs),
            inner_start=start + len(raw),
            foreign=foreign,
        )
        parent.children.append(node)
        if closed or tag in VOID:
            if closed and tag not in VOID and not parent.foreign:
                raise Unsafe(f"<{tag}/> is an open tag in HTML")
            node.end = node.inner_end = node.inner_start
            return
        self.stack.append(node)

    def _check_nesting(self, tag: str, parent: Node) -> None:
        open_tags = [n.tag for n in self.stack]
        allowed = TABLE_PARTS.get(tag)
        if allowed is not None and parent.tag not in allowed:
            raise Unsafe(f"<{tag}> in <{parent.tag}>")
        if parent.tag in _TABLE_MODES and allowed is None and tag not in _TABLE_ANYWHERE:
            raise Unsafe(f"<{tag}> in <{parent.tag}>")
        if tag in _CLOSES_P and "p" in open_tags:
            raise Unsafe(f"<{tag}> closes an open <p>")
        if tag in _NO_SELF_NESTING and tag in open_tags[_scope(open_tags, tag) :]:
            raise Unsafe(f"<{tag}> inside <{tag}>")
        if tag in _HEADINGS and parent.tag in _HEADINGS:
            raise Unsafe(f"<{tag}> in <{parent.tag}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        node = self.stack[-1]
        if len(self.stack) == 1 or node.tag != tag:
            raise Unsafe(f"</{tag}> does not close <{node.tag}>")
        at = self._offset()
        close = self.source.find(">", at)
        if close < 0:
            raise Unsafe(f"</{tag}> never ends")
        node.inner_end, node.end = at, close + 1
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if parent.tag in _TABLE_MODES and data.strip():
            raise Unsafe(f"text in <{parent.tag}>")
        if parent.children and parent.children[-1].kind == "text":
            return  # one text node, however the parser cut it
        parent.children.append(Node("text", self._offset()))

    def handle_comment(self, data: str) -> None:
        self.stack[-1].children.append(Node("comment", self._offset()))

    def handle_decl(self, decl: str) -> None:
        raise Unsafe("a declaration")

    def handle_pi(self, data: str) -> None:
        raise Unsafe("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise Unsafe("a CDATA section")


def parse(source: str, root_tag: str = "div") -> Node:
    """The tree of `source` as the content of a `root_tag`, or Unsafe."""
    if "\r" in source or "\0" in source:
        raise Unsafe("carriage return or NUL")
    builder = _Builder(source, root_tag)
    builder.feed(source)
    builder.close()
    if len(builder.stack) != 1:
        raise Unsafe(f"<{builder.stack[-1].tag}> is never closed")
    _close_spans(builder.root, len(source))
    return builder.root


def _close_spans(node: Node, end: int) -> None:
    # Text and comments end where their next sibling (or the parent's content) starts.
    children = node.children
    for i, child in enumerate(children):
        if child.kind != "element":
            child.end = children[i + 1].start if i + 1 < len(children) else end
        else:
            _close_spans(child, child.inner_end)
