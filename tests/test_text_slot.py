"""liveview.runtime.text_slot, the diff's fast path: wherever it answers, its swap is exactly
the one liveview.runtime.diff gives, for random trees and random changes (tests/random_html.py);
and a component whose same text changes again is not parsed again."""

from __future__ import annotations

from html import escape

import pytest
from django_components import register
from hypothesis import given, settings
from hypothesis import strategies as st

from liveview import LiveComponent, event
from liveview.core.dialect import HTMX2, HTMX4
from liveview.runtime import diff as diff_module
from liveview.runtime import text_slot
from liveview.runtime.diff import diff, tree
from liveview.runtime.html_tree import Node, parse
from liveview.runtime.page import Page
from liveview.runtime.text_slot import Kept, changed_span, find_slot, slot_after, text_swap
from tests.random_html import WORDS, El
from tests.random_html import mutated as mutate
from tests.random_html import tree as grow
from tests.support import shown

#: The generator's words as they stand in HTML source (spliced into it below).
words = st.sampled_from(WORDS).map(lambda w: escape(w, quote=False))


def random_tree(tag: str, depth: int) -> st.SearchStrategy[El]:
    """tests/random_html.py's random tree, drawn through Hypothesis (it shrinks the seed)."""
    return st.randoms(use_true_random=False).map(lambda rng: grow(rng, tag, depth))


def mutated(root: El) -> st.SearchStrategy[El]:
    """tests/random_html.py's random change of `root`, drawn through Hypothesis."""
    return st.randoms(use_true_random=False).map(lambda rng: mutate(rng, root))


#: New texts: the generator's words, none at all, and text that only looks like markup.
texts = st.one_of(words, st.just(""), st.sampled_from([" id=k1 ", "data-lv", "a > b", "&amp;"]))


def _texts(node: Node) -> list[Node]:
    out = [c for c in node.children if c.kind == "text"]
    for child in node.elements:
        out += _texts(child)
    return out


def _slot(old: str, text: Node, any_context: bool) -> Kept | None:
    """The slot a previous update that changed `text` would have kept."""
    return find_slot(old, text.start, text.end, "div", any_context)


@settings(max_examples=300)
@given(st.data())
def test_a_changed_text_gets_the_full_diffs_swap(data: st.DataObject) -> None:
    root: El = data.draw(random_tree("div", 4))
    old = root.html()[5:-6]
    candidates = _texts(parse(old))
    if not candidates:
        return
    text = data.draw(st.sampled_from(candidates))
    new = old[: text.start] + data.draw(texts) + old[text.end :]
    for dialect in (HTMX2, HTMX4):
        any_context = dialect.partial_any_context
        kept = _slot(old, text, any_context)
        if kept is None:  # a text in a table part, a textarea, or content that needs its table
            continue
        fast = text_swap(kept, old, new, "div", any_context)
        if old == new:
            assert fast is None
            continue
        assert fast is not None
        assert [fast[0]] == diff(old, new, any_context=any_context)
        # What it keeps serves the next change of the same text just as well.
        if fast[1] is not None:
            newer = new[: text.start] + "z" + new[len(new) - kept[1].end_back :]
            again = text_swap(fast[1], new, newer, "div", any_context)
            assert again is not None and [again[0]] == diff(new, newer, any_context=any_context)


@settings(max_examples=300)
@given(st.data())
def test_any_other_change_is_left_to_the_full_diff_or_gets_its_swap(data: st.DataObject) -> None:
    root: El = data.draw(random_tree("div", 4))
    old, new = root.html()[5:-6], data.draw(mutated(root)).html()[5:-6]
    candidates = _texts(parse(old))
    if not candidates:
        return
    text = data.draw(st.sampled_from(candidates))
    for dialect in (HTMX2, HTMX4):
        any_context = dialect.partial_any_context
        fast = text_swap(_slot(old, text, any_context), old, new, "div", any_context)
        if fast is not None:
            assert [fast[0]] == diff(old, new, any_context=any_context)


@settings(max_examples=200)
@given(st.data())
def test_the_slot_found_after_a_change_is_the_changed_texts(data: st.DataObject) -> None:
    root: El = data.draw(random_tree("div", 4))
    old, new = root.html()[5:-6], data.draw(mutated(root)).html()[5:-6]
    if old == new:
        return
    lo, hi = changed_span(old, new)
    assert old[:lo] == new[:lo] and old[len(old) - (len(new) - hi) :] == new[hi:]
    kept = find_slot(new, lo, hi, "div", True)
    if kept is not None:
        slot = kept[1]
        assert slot.start <= lo and hi <= len(new) - slot.end_back
        assert "<" not in new[slot.start : len(new) - slot.end_back]


@settings(max_examples=150)
@given(st.data())
def test_a_run_of_updates_gets_the_full_diffs_swaps_at_every_step(data: st.DataObject) -> None:
    """What a component keeps carried from update to update, as partial.fragment carries it:
    texts changing again (the fast path), other changes between (the full diff)."""
    root: El = data.draw(random_tree("div", 3))
    any_context = data.draw(st.booleans())
    html, kept = root.html()[5:-6], None
    for _ in range(8):
        choice = data.draw(st.integers(0, 2))
        candidates = _texts(parse(html))
        if choice == 0 and kept is not None:  # the text the last update changed, again
            start, end = kept[1].start, len(html) - kept[1].end_back
            new = html[:start] + data.draw(texts) + html[end:]
        elif choice == 1 and candidates:  # another text
            text = data.draw(st.sampled_from(candidates))
            new = html[: text.start] + data.draw(texts) + html[text.end :]
        else:  # anything else (from the generated tree: markup changes too)
            root = data.draw(mutated(root))
            new = root.html()[5:-6]
        if new == html:
            continue
        expected = diff(html, new, any_context=any_context)
        fast = text_swap(kept, html, new, "div", any_context)
        if fast is not None:
            assert [fast[0]] == expected
            kept = fast[1]
        else:
            kept = slot_after(html, new, "div", any_context) if expected else None
        html = new


def test_a_slot_serves_only_the_string_it_was_found_in() -> None:
    old = '<p>Count: <output class="count">5</output></p>'
    kept = find_slot(old, old.index("5"), old.index("5") + 1, "div", True)
    assert kept is not None
    new = old.replace(">5<", ">6<")
    assert text_swap(kept, "".join(old), new, "div", True) is None  # an equal copy: not known
    assert text_swap(kept, old, new, "section", True) is None  # read as another root
    assert text_swap(kept, old, new.replace("<p>", "<p >"), "div", True) is None
    assert text_swap(kept, old, new.replace(">6<", "><b>6</b><"), "div", True) is None
    swap = text_swap(kept, old, new, "div", True)
    assert swap is not None and swap[0].selector("lv-1") == "#lv-1>p>output"


# -- on a page: the second click of a counter is not parsed ---------------------------------


@register("test_text_slot_counter")
class Counter(LiveComponent):
    template = (
        '<section><h2>Counter</h2><p>Count: <output class="count">{{ count }}</output></p>'
        '<button type="button">+</button></section>'
    )

    def mount(self) -> None:
        self.count = 0

    @event
    def increment(self) -> None:
        self.count += 1


def test_the_same_text_changing_again_is_sent_without_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = Page(connected=True)
    page.mount("test_text_slot_counter", "lv-1", {})
    first = page.render_all()
    read: list[str] = []

    def counted(source: str, root_tag: str = "div") -> Node:
        read.append(source)
        return tree(source, root_tag)

    monkeypatch.setattr(diff_module, "tree", counted)
    monkeypatch.setattr(text_slot, "tree", counted)
    frames, reads = [], []
    for _ in range(4):
        frames.append(page.dispatch("lv-1", "increment", {}) or "")
        reads.append(len(read))
        read.clear()
    assert [f for f in frames if "<section" in f] == []  # each one a partial swap
    assert "<output" not in "".join(frames)
    assert shown(first, *frames).count('<output class="count">4</output>') == 1
    assert reads == [3, 0, 0, 0]  # the first click: the full diff (old, new), its slot (new)


# -- per component: a diff that keeps ending whole is skipped --------------------------------


@register("test_text_slot_reshaped")
class Reshaped(Counter):
    # A <div> inside <p>: the browser reshapes it, so the diff can never aim into it.
    template = "<p>Count<div>{{ count }}</div></p>"


def _diffs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = diff_module.diff_cached

    def counted(old: str, new: str, root_tag: str, any_context: bool) -> object:
        calls.append(new)
        return real(old, new, root_tag, any_context)

    monkeypatch.setattr("liveview.runtime.partial.diff_cached", counted)
    return calls


def test_a_component_whose_diffs_end_whole_is_diffed_again_only_now_and_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = Page(connected=True)
    page.mount("test_text_slot_reshaped", "lv-1", {})
    page.render_all()
    calls = _diffs(monkeypatch)
    diffed = []
    for n in range(1, 21):
        frame = page.dispatch("lv-1", "increment", {}) or ""
        assert f"<div>{n}</div>" in frame and 'id="lv-1"' in frame  # whole, and right
        diffed.append(len(calls))
        calls.clear()
    # Three whole results in a row, then one try in every RETRY_EVERY (8) renders.
    assert [i for i, d in enumerate(diffed, 1) if d] == [1, 2, 3, 9, 17]


def test_a_component_whose_diffs_pay_off_is_always_diffed(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Page(connected=True)
    page.mount("test_text_slot_counter", "lv-1", {})
    page.render_all()
    calls = _diffs(monkeypatch)
    frames = [page.dispatch("lv-1", "increment", {}) or "" for _ in range(12)]
    assert all("<section" not in f for f in frames)
    assert len(calls) == 1  # the first click; then the fast path
