# The diff's fast path: when a re-render changed only the text of the one slot the last diff
# found changing (a counter's number, a clock, a progress figure), its swap is the slot's
# element's new content, aimed by the selector kept from the last tree: no parsing, no walk.
# It gives exactly the swap liveview.runtime.diff gives (tests/test_text_slot.py), else None.
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from liveview.runtime.diff import PLAIN_TAG, TABLE_CONTENT, Swap, id_of, opaque, tree, unique_ids
from liveview.runtime.html_tree import TABLE_MODES, TABLE_PARTS, Node, Unsafe


@dataclass(frozen=True, slots=True)
class TextSlot:
    """Where one text node sits in a component's content, and the element holding it: what
    stays the same while only that text changes (so one object serves every page whose
    component has the same markup around it). Offsets from the end are counted back from the
    content's length."""

    #: The text node (it holds no `<`): its start, and its end counted from the end.
    start: int
    end_back: int
    #: Its element's content: where it starts, and where it ends counted from the end.
    inner_start: int
    inner_back: int
    #: The element's tag and its path from the component's root (1-based element positions).
    tag: str
    path: tuple[int, ...]
    #: Per step: the tag when no sibling shares it, else "" (as `Swap.names`) ...
    names: tuple[str, ...]
    #: ... and the element's id when it has a plain one (it names the step when unique).
    ids: tuple[str | None, ...]
    #: What the content was read as: the component's tag, and the dialect's context.
    root_tag: str
    any_context: bool


#: What a component's record keeps (`ComponentRecord.text_slot`): the content as last sent
#: (the very string: the slot is used only while the browser has that one) and its slot.
Kept = tuple[str, TextSlot]

#: One object per distinct slot, shared by the pages that show the same markup.
_slots: dict[TextSlot, TextSlot] = {}
_MAX_SLOTS = 4096


def text_swap(
    kept: Kept | None, old: str, new: str, root_tag: str, any_context: bool
) -> tuple[Swap, Kept | None] | None:
    """The one swap turning `old` into `new` when they differ only inside the text `kept`
    holds a slot for, with what to keep for `new` (None once that text is empty); None when
    the full diff must decide (another change, markup in the new text, another string)."""
    if kept is None or kept[0] is not old or old == new:
        return None
    slot = kept[1]
    if slot.root_tag != root_tag or slot.any_context != any_context:
        return None
    start, end = slot.start, len(new) - slot.end_back
    if end < start or not new.startswith(old[:start]):
        return None
    if not new.endswith(old[len(old) - slot.end_back :]):
        return None
    text = new[start:end]
    if "<" in text or "\r" in text or "\0" in text:
        return None
    names = slot.names
    if any(slot.ids):
        ids = unique_ids(old, new)
        names = tuple(
            f"#{i}" if i is not None and i in ids else n
            for i, n in zip(slot.ids, slot.names, strict=True)
        )
    content = new[slot.inner_start : len(new) - slot.inner_back]
    swap = Swap("innerHTML", slot.path, content, slot.tag, names)
    return swap, ((new, slot) if end > start else None)  # no text left: no slot for it


@lru_cache(maxsize=64)
def slot_after(old: str, new: str, root_tag: str, any_context: bool) -> Kept | None:
    """The slot of the text a re-render from `old` to `new` changed, if one text holds the
    change (shared by the pages of a broadcast that had the same HTML, as `diff_cached`)."""
    lo, hi = changed_span(old, new)
    return find_slot(new, lo, hi, root_tag, any_context)


def find_slot(source: str, lo: int, hi: int, root_tag: str, any_context: bool) -> Kept | None:
    """The slot of the text node of `source` that holds `source[lo:hi]` (what a re-render just
    changed), when a change of its text alone is one innerHTML swap of its element; else None."""
    try:
        node = tree(source, root_tag)
    except Unsafe:
        return None
    path: list[int] = []
    names: list[str] = []
    ids: list[str | None] = []
    while True:
        child = _holding(node, lo, hi)
        if child is None:
            return None
        if child.kind == "text":
            break
        if child.kind != "element" or opaque(child):
            return None
        elements = node.elements
        path.append(elements.index(child) + 1)
        alone = sum(e.tag == child.tag for e in elements) == 1
        names.append(child.tag if alone and PLAIN_TAG.fullmatch(child.tag) else "")
        ids.append(id_of(child.attrs))
        node = child
    if node.tag in TABLE_MODES or "<" in source[child.start : child.end]:
        return None
    if not any_context and (
        node.tag in TABLE_CONTENT or any(e.tag in TABLE_PARTS for e in node.elements)
    ):
        return None  # its content travels inside an ancestor: the full diff finds which
    n = len(source)
    slot = TextSlot(
        child.start, n - child.end, node.inner_start, n - node.inner_end, node.tag,
        tuple(path), tuple(names), tuple(ids), root_tag, any_context,
    )  # fmt: skip
    if len(_slots) >= _MAX_SLOTS:
        _slots.clear()
    return source, _slots.setdefault(slot, slot)


def _holding(node: Node, lo: int, hi: int) -> Node | None:
    for child in node.children:
        if child.kind == "element":
            if child.inner_start <= lo and hi <= child.inner_end != child.inner_start:
                return child
        elif child.start <= lo and hi <= child.end:
            return child
    return None


def changed_span(old: str, new: str) -> tuple[int, int]:
    """Where `new` differs from `old`: its span in `new` (after the longest common prefix,
    before the longest common suffix that does not overlap it)."""
    n = min(len(old), len(new))
    lo = _common_prefix(old, new, n)
    hi = _common_prefix(old[::-1], new[::-1], n - lo)
    return lo, len(new) - hi


def _common_prefix(a: str, b: str, limit: int) -> int:
    """The length of the longest common prefix of `a` and `b`, at most `limit` (bisection over
    slice compares: C-speed, a few steps)."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
