"""A frame's bytes split into its components' parts, and counted under each one's class."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from pytest_django.fixtures import Settings

from liveview.core import frame_bytes, metrics
from liveview.core.frame_bytes import frame_sizes
from liveview.core.metrics import ByteSizes
from liveview.runtime.page import Page
from tests.bytes_counted import component_row, utf8
from tests.components import BOARD

pytestmark = pytest.mark.usefixtures("fresh_metrics")


# -- splitting a frame --------------------------------------------------------------------------


def test_a_frame_is_split_into_its_components_parts_in_utf8_bytes() -> None:
    swap = ' hx-swap-oob="true"'
    child = '<div id="lv-1-1" data-lv="b">x</div>'
    first = f'<div id="lv-1" data-lv="a"{swap}><p>Zähler 1</p>{child}</div>'
    second = f'<div id="lv-2" data-lv="b"{swap}>€</div>'
    epoch = f'<div id="lv-epoch" hidden data-v="k"{swap}></div>'
    redirect = '<div id="lv-redirect" hidden data-url="/" hx-swap-oob="outerHTML"></div>'
    frame = first + second + epoch + redirect
    total, parts = frame_sizes(frame)
    assert total == utf8(frame)
    assert parts == [("lv-1", utf8(first)), ("lv-2", utf8(second))]  # the child is lv-1's


def test_a_frame_without_components_has_only_a_total() -> None:
    swap = ' hx-swap-oob="true"'
    frame = f'<div id="lv-epoch" hidden data-v="k" data-ack="3"{swap}></div>'
    assert frame_sizes(frame) == (utf8(frame), [])


def test_an_element_after_the_last_component_is_not_its_part() -> None:
    part = '<div id="lv-1" data-lv="a" hx-swap-oob="outerMorph"><p>1</p></div>'
    redirect = '<div id="lv-redirect" hidden data-url="/" hx-swap-oob="outerHTML"></div>'
    assert frame_sizes(part + redirect) == (len(part + redirect), [("lv-1", len(part))])


def test_one_broadcast_frame_sent_to_many_pages_is_split_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A broadcast pushes the same frame to every page showing the change: it is measured once,
    and counted once per page."""
    split: list[str] = []
    real = frame_bytes.frame_sizes

    def counting(frame: str) -> tuple[int, list[tuple[str, int]]]:
        split.append(frame)
        return real(frame)

    monkeypatch.setattr(frame_bytes, "frame_sizes", counting)
    frame = '<div id="lv-1" data-lv="a" hx-swap-oob="outerMorph"><p>1</p></div>'
    page = SimpleNamespace(components={"lv-1": ByteSizes()})  # any class: its name is the key
    for _ in range(50):
        frame_bytes.frame_sent(page, frame, metrics.BROADCAST)  # type: ignore[arg-type]
    other = frame.replace("<p>1</p>", "<p>2</p>")
    frame_bytes.frame_sent(page, other, metrics.BROADCAST)  # type: ignore[arg-type]
    assert split == [frame, other]
    assert metrics.metrics.bytes_by_event[metrics.BROADCAST].count == 51
    assert component_row("ByteSizes").count == 51
    assert component_row("ByteSizes").total == 50 * len(frame) + len(other)


@pytest.fixture
def board() -> Iterator[None]:
    """The stream board's two items, cleared after the test (passed or not)."""
    BOARD[:] = [{"id": 1, "text": "item 1"}, {"id": 2, "text": "item 2"}]
    yield
    BOARD.clear()


@pytest.mark.parametrize("version", [2, 4])
def test_stream_parts_are_counted_for_the_component_that_owns_the_stream(
    version: int, settings: Settings, board: None
) -> None:
    """A stream's parts aim at its container or an item (`#lv-1-items`, `#lv-1-items-7`), not
    at the component: they are its component's bytes, one send with what else it sent."""
    settings.LIVEVIEW_HTMX_VERSION = version
    page = Page(connected=True)
    page.mount("test_stream_board", "lv-1", {})
    page.render_all()
    added = page.dispatch("lv-1", "add", {}) or ""
    assert "lv-1-items" in added and "Board" not in added  # the stream's parts alone
    frame_bytes.frame_sent(page, added, ("StreamBoard", "add"))
    # The component's own part, then an insert and a delete, in one frame.
    both = (page.dispatch("lv-1", "retitle", {}) or "") + (
        page.dispatch("lv-1", "remove", {"item": 1}) or ""
    )
    assert "Board 1" in both and "lv-1-items-1" in both
    frame_bytes.frame_sent(page, both, ("StreamBoard", "retitle"))
    row = component_row("StreamBoard")
    assert list(row.samples) == [utf8(added), utf8(both)]
    assert set(metrics.metrics.bytes_by_component) == {"StreamBoard"}


class Child:
    """A nested component (any class: its name is the key)."""


@pytest.mark.parametrize(
    ("aimed_at", "counted_as"),
    [
        ("lv-1", "ByteSizes"),  # the component itself
        ("lv-1-items", "ByteSizes"),  # its stream's container
        ("lv-1-items-7", "ByteSizes"),  # an item of its stream
        ("lv-1-1-items-7", "Child"),  # an item of its child's stream: the child's
        ("lv-9", "?"),  # no component of this page's
    ],
)
def test_a_frame_of_one_part_is_counted_for_the_component_that_owns_it(
    aimed_at: str, counted_as: str
) -> None:
    """Most frames are one component's part: they take a shorter way, to the same owner."""
    part = f'<div id="{aimed_at}" data-lv="a" hx-swap-oob="outerMorph"><p>1</p></div>'
    page = SimpleNamespace(components={"lv-1": ByteSizes(), "lv-1-1": Child()})
    frame_bytes.frame_sent(page, part, metrics.BROADCAST)  # type: ignore[arg-type]
    assert set(metrics.metrics.bytes_by_component) == {counted_as}
    assert list(component_row(counted_as).samples) == [len(part)]
    assert metrics.metrics.bytes_by_event[metrics.BROADCAST].total == len(part)


def test_a_frame_with_no_part_of_a_component_counts_only_its_cause() -> None:
    epoch = '<div id="lv-epoch" hidden data-v="k" data-ack="3" hx-swap-oob="true"></div>'
    page = SimpleNamespace(components={"lv-1": ByteSizes()})
    frame_bytes.frame_sent(page, epoch, ("Counter", "inc"))  # type: ignore[arg-type]
    assert metrics.metrics.bytes_by_component == {}
    assert metrics.metrics.bytes_by_event[("Counter", "inc")].total == len(epoch)
