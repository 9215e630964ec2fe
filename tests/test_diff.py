"""liveview.runtime.diff: the partial swaps of a re-render, applied to the old HTML, give the new
HTML's tree (read by lxml, a parser of its own), for random trees and random changes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django_components import register
from hypothesis import given, settings
from hypothesis import strategies as st

from liveview import LiveComponent
from liveview.core.dialect import HTMX2, HTMX4
from liveview.core.frame_bytes import frame_sizes
from liveview.pubsub.resources import ResourceChanged, Subscription
from liveview.runtime.diff import Swap, diff
from liveview.runtime.fanout import render_batch
from liveview.runtime.html_tree import Node, parse
from liveview.runtime.page import Page
from tests.random_html import mutated, tree
from tests.support import shown


def apply(old: str, swaps: list[Swap]) -> str:
    """The swaps applied to `old` as the browser would: each at the element its path names."""
    root = parse(old)
    edits = []
    for swap in swaps:
        node = _at(root, swap.path)
        if swap.style == "innerHTML":
            edits.append((node.inner_start, node.inner_end, swap.content))
        elif swap.style == "outerHTML":
            edits.append((node.start, node.end, swap.content))
        elif swap.style == "beforeend":
            edits.append((node.inner_end, node.inner_end, swap.content))
        else:
            edits.append((node.inner_start, node.inner_start, swap.content))
    for start, end, content in sorted(edits, reverse=True):
        old = old[:start] + content + old[end:]
    return old


def _at(root: Node, path: tuple[int, ...]) -> Node:
    node = root
    for position in path:
        node = node.elements[position - 1]
    return node


def canonical(source: str) -> str:
    """The tree as lxml (a parser of its own) reads it inside a <div>, written back."""
    return str(BeautifulSoup(f"<div>{source}</div>", "lxml").div)


@settings(max_examples=300)
@given(st.data())
def test_swaps_turn_the_old_html_into_the_new(data: st.DataObject) -> None:
    rng = data.draw(st.randoms(use_true_random=False))
    root = tree(rng, "div", 4)
    old, new = root.inner_html(), mutated(rng, root).inner_html()
    for dialect in (HTMX2, HTMX4):
        swaps = diff(old, new, any_context=dialect.partial_any_context)
        assert swaps is not None  # every generated tree is one the browser keeps as written
        assert canonical(apply(old, swaps)) == canonical(new)
        for swap in swaps:
            assert aimed_at(old, swap) == [swap.path]

        for swap in swaps:
            if dialect.partial_any_context:
                continue
            if swap.style == "outerHTML":  # a table part alone at the top of a frame is dropped
                assert swap.tag not in ("tbody", "tr", "td")
            else:  # a wrapper <div> cannot hold rows or cells
                assert swap.tag not in ("table", "tbody", "tr")


def aimed_at(old: str, swap: Swap) -> list[tuple[int, ...]]:
    """The paths of the elements the swap's CSS selector finds in `old` (soupsieve's CSS)."""
    paths = []
    root = parse(old)
    marked = f'<div id="lv-1">{old}</div>'
    for path in _paths(root, ()):
        node = _at(root, path)
        at = node.start + 1 + len(node.tag) + len('<div id="lv-1">')
        probe = marked[:at] + f' data-probe="{"/".join(map(str, path))}"' + marked[at:]
        found = BeautifulSoup(probe, "html.parser").select(swap.selector("lv-1"))
        if any(f.get("data-probe") is not None for f in found):
            paths.append(path)
        assert len(found) <= 1 or swap.path == (), found
    return paths if swap.path else [()]


def _paths(node: Node, path: tuple[int, ...]) -> list[tuple[int, ...]]:
    out = [path] if path else []
    for i, child in enumerate(node.elements, 1):
        out += _paths(child, (*path, i))
    return out


def test_a_changed_text_is_sent_into_its_element() -> None:
    old = '<p>Count: <output class="count">5</output></p><button>+</button>'
    swaps = diff(old, old.replace(">5<", ">6<"))
    assert swaps == [Swap("innerHTML", (1, 1), "6", "output", ("p", "output"))]
    assert swaps[0].selector("lv-1") == "#lv-1>p>output"  # each the only one of its tag


def test_an_element_sharing_its_tag_with_a_sibling_is_aimed_at_by_position() -> None:
    old = "<ul><li>a</li><li>b</li></ul><p>x</p>"
    swaps = diff(old, old.replace(">b<", ">c<"))
    assert swaps is not None and swaps[0].selector("lv-1") == "#lv-1>ul>:nth-child(2)"


def test_one_cell_of_a_long_table_is_sent_alone() -> None:
    def table(rows: int) -> str:
        cells = "".join(
            f"<tr><td>{i}</td><td>{'new' if i == 7 else 'x'}</td></tr>" for i in range(rows)
        )
        return f"<table><tbody>{cells}</tbody></table>"

    old = table(300).replace(">new<", ">old<")
    assert diff(old, table(300)) == [
        Swap("innerHTML", (1, 1, 8, 2), "new", "td", ("table", "tbody", "", ""))
    ]


def test_items_added_at_either_end_are_sent_alone() -> None:
    items = "".join(f"<li>{i}</li>" for i in range(1000))
    assert diff(f"<ul>{items}</ul>", f"<ul>{items}<li>new</li></ul>") == [
        Swap("beforeend", (1,), "<li>new</li>", "ul", ("ul",))
    ]
    assert diff(f"<ul>{items}</ul>", f"<ul><li>new</li>{items}</ul>") == [
        Swap("afterbegin", (1,), "<li>new</li>", "ul", ("ul",))
    ]


def test_a_changed_attribute_replaces_its_element() -> None:
    old = '<div><input name="q" class="a"><span>1</span></div>'
    assert diff(old, old.replace('class="a"', 'class="b"')) == [
        Swap("outerHTML", (1, 1), '<input name="q" class="b">', "input", ("div", "input"))
    ]


def test_table_rows_travel_in_their_table_under_htmx2() -> None:
    old = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    new = "<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>"
    assert diff(old, new) == [
        Swap("beforeend", (1, 1), "<tr><td>2</td></tr>", "tbody", ("table", "tbody"))
    ]
    assert diff(old, new, any_context=False) == [Swap("innerHTML", (), new, "div")]


def test_markup_the_browser_reshapes_is_sent_whole() -> None:
    assert diff("<p>a<div>b</div></p>", "<p>a<div>c</div></p>") is None  # <div> closes <p>
    assert diff("<ul><li>a<li>b</ul>", "<ul><li>a<li>c</ul>") is None  # implied </li>
    assert diff("<table><tr><td>1</td></tr></table>", "<table><tr><td>2</td></tr></table>") is None


def test_nested_components_and_streams_are_replaced_not_entered() -> None:
    old = '<div id="lv-1-1" data-lv="child"><p>1</p></div><ul data-lv-stream="s"><li>1</li></ul>'
    swaps = diff(old, old.replace("<p>1</p>", "<p>2</p>").replace("<li>1</li>", "<li>2</li>"))
    assert swaps is not None
    assert [(s.style, s.path) for s in swaps] == [("outerHTML", (1,)), ("outerHTML", (2,))]


def test_partial_markup_per_dialect() -> None:
    assert HTMX2.partial("innerHTML", "#lv-1>:nth-child(1)", "6", "output") == (
        '<div hx-swap-oob="innerHTML:#lv-1>:nth-child(1)">6</div>'
    )
    assert HTMX2.partial("outerHTML", "#lv-1>:nth-child(2)", '<b class="x">1</b>', "b") == (
        '<b hx-swap-oob="outerHTML:#lv-1>:nth-child(2)" class="x">1</b>'
    )
    assert HTMX4.partial("innerHTML", "#lv-1>:nth-child(1)", "6", "output") == (
        '<hx-partial hx-target="#lv-1>:nth-child(1)" hx-swap="innerMorph">6</hx-partial>'
    )


def test_the_tree_reads_tags_as_the_browser_does() -> None:
    root = parse('<p title="a>b">x<!-- <b> --></p><script>if (a<b) {}</script><br/>')
    assert [n.tag for n in root.elements] == ["p", "script", "br"]
    assert [n.kind for n in root.elements[0].children] == ["text", "comment"]
    assert root.elements[1].children == []  # a script's text is never entered


def test_markup_the_tokenizer_cannot_place_is_sent_whole() -> None:
    for old in ("<div data-x=it's>a</div>", "<p>a</ p>", "<![CDATA[x]]>", "<div/>"):
        assert diff(old, old + "<p>new</p>") is None, old


def test_the_bytes_of_partial_swaps_count_for_their_component() -> None:
    for dialect in (HTMX2, HTMX4):
        first = dialect.partial("innerHTML", "#lv-1>p>output", "6", "output")
        second = dialect.partial("outerHTML", "#lv-1>:nth-child(2)", '<b class="x">é</b>', "b")
        other = dialect.partial("beforeend", "#lv-2>ul", "<li>1</li>", "ul")
        epoch = f'<div id="lv-epoch" hidden data-v="x"{dialect.swap_oob()}></div>'
        total, parts = frame_sizes(first + second + other + epoch)
        size = len((first + second).encode())
        assert parts == [("lv-1", size), ("lv-2", len(other))]
        assert total == len((first + second + other + epoch).encode())


# -- a broadcast rendered once for many pages: each page's swaps fit what its browser has ----

LIST = {"n": 0}


@register("test_shared_list")
class SharedList(LiveComponent):
    viewer_independent = True
    template = "<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>"

    def mount(self) -> None:
        self.items = list(range(LIST["n"]))

    def subscriptions(self) -> list[Subscription]:
        return ["/shared-list/1"]


def test_twins_of_a_broadcast_each_get_the_swaps_for_what_their_browser_has() -> None:
    pages, firsts = [], []
    for n in (1, 2):  # the second page was opened after a change the first one saw too
        LIST["n"] = n
        page = Page(connected=True)
        page.mount("test_shared_list", "lv-1", {})
        pages.append(page)
        firsts.append(page.render_all())
    LIST["n"] = 3
    change = ResourceChanged("PUT", "/shared-list/1", "/shared-list/", "e3")
    frames = render_batch([(page, [change]) for page in pages])
    assert frames[0] != frames[1]  # one render, two diffs
    for first, frame in zip(firsts, frames, strict=True):
        assert frame is not None and "<ul>" not in frame  # the new items alone
        assert "<ul><li>0</li><li>1</li><li>2</li></ul>" in shown(first, frame)


def test_an_element_with_an_id_of_its_own_starts_the_path() -> None:
    def table(value: str, extra: str = "") -> str:
        rows = "".join(f'<tr id="row-{i}"><td>{i}</td><td>{value}</td></tr>' for i in range(3))
        return f"<table><tbody>{rows}{extra}</tbody></table>"

    swaps = diff(table("a").replace(">a<", ">b<", 1), table("a"))
    assert swaps is not None and swaps[0].selector("lv-1") == "#lv-1 #row-0>:nth-child(2)"
    # Another element with that id (or a nested component) and the path is by position again.
    twin = '<tr id="row-0"><td>x</td><td>y</td></tr>'
    swaps = diff(table("a", twin).replace(">a<", ">b<", 1), table("a", twin))
    assert swaps is not None and " #" not in swaps[0].selector("lv-1")


def test_the_bytes_of_a_swap_aimed_through_an_id_count_for_their_component() -> None:
    for dialect in (HTMX2, HTMX4):
        part = dialect.partial("innerHTML", "#lv-3 #row-7>:nth-child(2)", "x", "td")
        assert frame_sizes(part)[1] == [("lv-3", len(part))]
