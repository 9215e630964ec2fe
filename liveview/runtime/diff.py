# Only what changed travels: the swaps that turn a component's HTML as the browser has it into its
# new HTML (pure: two strings in, a list of swaps out, or None when only the whole is exactly
# right). docs/updates.md says what is sent when; liveview/core/dialect.py writes the markup.
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from liveview.runtime.html_tree import OPAQUE, TABLE_PARTS, Node, Unsafe, parse

SwapStyle = Literal["innerHTML", "outerHTML", "beforeend", "afterbegin"]

#: Attributes that make an element opaque: a nested live component (sent on its own, so the
#: parent's copy of it may be stale) and a stream container (the browser holds items the
#: server does not).
OPAQUE_ATTRS = ("data-lv", "data-lv-stream")
_OPAQUE_ATTR = re.compile(r"(?:^|\s)(?:data-lv|data-lv-stream)(?=[\s=/]|$)", re.IGNORECASE)
_ID = re.compile(r"""(?:^|[\s/])id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
#: An id a CSS selector may name as it is.
_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def id_of(attrs: str) -> str | None:
    found = _ID.search(attrs)
    ident = next((g for g in found.groups() if g is not None), None) if found else None
    return ident if ident is not None and _PLAIN_ID.fullmatch(ident) else None


@lru_cache(maxsize=64)
def _ids_in(source: str) -> list[str]:
    """Every id written in `source` (text that looks like one too: more is only safer)."""
    return [next(g for g in m.groups() if g is not None) for m in _ID.finditer(source)]


#: A tag name a CSS selector may name as it is.
PLAIN_TAG = re.compile(r"[a-z][a-z0-9-]*")
#: Elements whose content a wrapper <div> cannot carry (a table's rows, a row's cells).
TABLE_CONTENT = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})


@dataclass(frozen=True, slots=True)
class Swap:
    """One partial swap: `content` (source text of the new HTML) put at the element reached by
    `path` (1-based element positions, from the component's root) with `style`."""

    style: SwapStyle
    path: tuple[int, ...]
    content: str
    #: The target's tag (for outerHTML: the new element's).
    tag: str
    #: Per step of `path`, the element's tag when no sibling shares it before and after the
    #: update (`>output` is shorter than `>:nth-child(2)`), else "".
    names: tuple[str, ...] = ()

    def selector(self, root_id: str) -> str:
        return _selector(root_id, self.path, self.names)


#: A component's updates aim at the same few places again and again.
@lru_cache(maxsize=1024)
def _selector(root_id: str, path: tuple[int, ...], names: tuple[str, ...]) -> str:
    names = names or ("",) * len(path)
    steps = [f">{n}" if n else f">:nth-child({i})" for i, n in zip(path, names, strict=True)]
    # An id ("#row-7", unique in the component) starts the path afresh from the root.
    last = max((k for k, n in enumerate(names) if n.startswith("#")), default=-1)
    if last >= 0:
        return f"#{root_id} {names[last]}" + "".join(steps[last + 1 :])
    return "#" + root_id + "".join(steps)


class _Escalate(Exception):
    """This change cannot be sent below the element: its parent sends its content instead."""


def diff(
    old: str, new: str, *, root_tag: str = "div", any_context: bool = True
) -> list[Swap] | None:
    """The swaps turning content `old` of a `root_tag` into `new`; None: send the whole.

    `any_context`: the dialect's partial content is parsed in a <template> (any element fits);
    False: in a <div>, so table parts must travel inside their table.
    """
    if old == new:
        return []
    try:
        before, after = tree(old, root_tag), tree(new, root_tag)
    except Unsafe:
        return None
    differ = _Differ(old, new, any_context)
    try:
        return differ.patch(before, after, (), ())
    except _Escalate:
        return None


#: Trees read lately: a render's new HTML is the next render's old one (trees are never changed).
tree = lru_cache(maxsize=16)(parse)


@lru_cache(maxsize=64)
def diff_cached(old: str, new: str, root_tag: str, any_context: bool) -> tuple[Swap, ...] | None:
    """`diff`, shared by the pages of a broadcast that had the same HTML."""
    swaps = diff(old, new, root_tag=root_tag, any_context=any_context)
    return None if swaps is None else tuple(swaps)


def opaque(node: Node) -> bool:
    """Whether the diff replaces `node` whole rather than entering it."""
    return node.tag in OPAQUE or _OPAQUE_ATTR.search(node.attrs) is not None


def unique_ids(old: str, new: str) -> set[str]:
    """The ids an element may be aimed by: written once in `old` and once in `new`, and none
    at all when either holds content unknown to the server (a nested component, a stream)."""
    if _OPAQUE_ATTR.search(old) or _OPAQUE_ATTR.search(new):
        return set()
    before, after = Counter(_ids_in(old)), Counter(_ids_in(new))
    return {i for i, n in before.items() if n == 1 and after[i] == 1}


class _Differ:
    def __init__(self, old: str, new: str, any_context: bool) -> None:
        self.old, self.new, self.any_context = old, new, any_context
        self._ids: set[str] | None = None

    def _unique_id(self, x: Node, y: Node) -> str:
        """`#id` when both versions of the element carry an id that no other element of the
        component has, before or after, and nothing in it is unknown to the server (a nested
        component's or a stream's content); else ""."""
        ident = id_of(y.attrs)
        if ident is None or ident != id_of(x.attrs):
            return ""
        if self._ids is None:
            self._ids = unique_ids(self.old, self.new)
        return f"#{ident}" if ident in self._ids else ""

    def _same(self, a: Node, b: Node) -> bool:
        return self.old[a.start : a.end] == self.new[b.start : b.end]

    def patch(self, a: Node, b: Node, path: tuple[int, ...], names: tuple[str, ...]) -> list[Swap]:
        """Swaps turning `a`'s content into `b`'s (same tag and attributes)."""
        if self.old[a.inner_start : a.inner_end] == self.new[b.inner_start : b.inner_end]:
            return []
        try:
            return self._children(a, b, path, names)
        except _Escalate:
            return [self._inner(b, path, names)]

    def _children(
        self, a: Node, b: Node, path: tuple[int, ...], names: tuple[str, ...]
    ) -> list[Swap]:
        old, new = a.children, b.children
        if len(old) == len(new) and all(
            x.kind == y.kind and (x.kind == "element" or self._same(x, y))
            for x, y in zip(old, new, strict=True)
        ):
            swaps: list[Swap] = []
            position = 0
            old_tags = [x.tag for x in old if x.kind == "element"]
            new_tags = [y.tag for y in new if y.kind == "element"]
            for x, y in zip(old, new, strict=True):
                if x.kind != "element":
                    continue
                position += 1
                if self._same(x, y):
                    continue
                at = (*path, position)
                unique = (
                    x.tag == y.tag
                    and old_tags.count(x.tag) == new_tags.count(y.tag) == 1
                    and PLAIN_TAG.fullmatch(y.tag) is not None
                )
                named = (*names, self._unique_id(x, y) or (y.tag if unique else ""))
                if x.tag == y.tag and x.attrs == y.attrs and not opaque(x):
                    swaps += self.patch(x, y, at, named)
                else:
                    swaps.append(self._outer(y, at, named))
            return swaps
        n = len(old)
        if len(new) > n and all(self._same(x, y) for x, y in zip(old, new[:n], strict=True)):
            return [self._insert("beforeend", b, new[n:], path, names)]
        extra = len(new) - n
        if extra > 0 and all(self._same(x, y) for x, y in zip(old, new[extra:], strict=True)):
            return [self._insert("afterbegin", b, new[:extra], path, names)]
        raise _Escalate

    def _fits(self, target: Node, nodes: list[Node]) -> bool:
        if self.any_context:
            return True
        return target.tag not in TABLE_CONTENT and not any(
            n.kind == "element" and n.tag in TABLE_PARTS for n in nodes
        )

    def _outer(self, node: Node, path: tuple[int, ...], names: tuple[str, ...]) -> Swap:
        if not path or not (self.any_context or node.tag not in TABLE_PARTS):
            raise _Escalate
        return Swap("outerHTML", path, self.new[node.start : node.end], node.tag, names)

    def _inner(self, node: Node, path: tuple[int, ...], names: tuple[str, ...]) -> Swap:
        if not self._fits(node, node.children):
            raise _Escalate
        content = self.new[node.inner_start : node.inner_end]
        return Swap("innerHTML", path, content, node.tag, names)

    def _insert(
        self,
        style: SwapStyle,
        target: Node,
        nodes: list[Node],
        path: tuple[int, ...],
        names: tuple[str, ...],
    ) -> Swap:
        if not self._fits(target, nodes):
            raise _Escalate
        return Swap(style, path, self.new[nodes[0].start : nodes[-1].end], target.tag, names)
