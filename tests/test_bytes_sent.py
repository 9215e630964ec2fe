"""Bytes sent, per component class and per event: measured where frames leave the server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import AsyncClient, Client
from pytest_django.fixtures import Settings

from liveview.batteries.inspector import inspect_process
from liveview.core import metrics
from liveview.core.metrics import BYTES_SAMPLES, ByteSizes, Metrics, frame_sizes
from liveview.runtime.page import Page
from liveview.testing import LiveClient
from project.polls.models import Choice, Poll
from tests.components import BOARD

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "[aria-label='First counter']"


@pytest.fixture(autouse=True)
def fresh_metrics() -> Iterator[None]:
    metrics.reset()
    yield
    metrics.reset()


def utf8(text: str) -> int:
    return len(text.encode())


def component_row(name: str) -> metrics.ByteSizes:
    return metrics.metrics.bytes_by_component[name]


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
    real = metrics.frame_sizes

    def counting(frame: str) -> tuple[int, list[tuple[str, int]]]:
        split.append(frame)
        return real(frame)

    monkeypatch.setattr(metrics, "frame_sizes", counting)
    frame = '<div id="lv-1" data-lv="a" hx-swap-oob="outerMorph"><p>1</p></div>'
    page = SimpleNamespace(components={"lv-1": ByteSizes()})  # any class: its name is the key
    for _ in range(50):
        metrics.frame_sent(page, frame, metrics.BROADCAST)  # type: ignore[arg-type]
    other = frame.replace("<p>1</p>", "<p>2</p>")
    metrics.frame_sent(page, other, metrics.BROADCAST)  # type: ignore[arg-type]
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
    metrics.frame_sent(page, added, ("StreamBoard", "add"))
    # The component's own part, then an insert and a delete, in one frame.
    both = (page.dispatch("lv-1", "retitle", {}) or "") + (
        page.dispatch("lv-1", "remove", {"item": 1}) or ""
    )
    assert "Board 1" in both and "lv-1-items-1" in both
    metrics.frame_sent(page, both, ("StreamBoard", "retitle"))
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
    metrics.frame_sent(page, part, metrics.BROADCAST)  # type: ignore[arg-type]
    assert set(metrics.metrics.bytes_by_component) == {counted_as}
    assert list(component_row(counted_as).samples) == [len(part)]
    assert metrics.metrics.bytes_by_event[metrics.BROADCAST].total == len(part)


def test_a_frame_with_no_part_of_a_component_counts_only_its_cause() -> None:
    epoch = '<div id="lv-epoch" hidden data-v="k" data-ack="3" hx-swap-oob="true"></div>'
    page = SimpleNamespace(components={"lv-1": ByteSizes()})
    metrics.frame_sent(page, epoch, ("Counter", "inc"))  # type: ignore[arg-type]
    assert metrics.metrics.bytes_by_component == {}
    assert metrics.metrics.bytes_by_event[("Counter", "inc")].total == len(epoch)


# -- the bounds ----------------------------------------------------------------------------------


def test_byte_samples_are_a_window_and_the_max_is_since_start() -> None:
    sizes = ByteSizes()
    sizes.add(10**6)
    for n in range(BYTES_SAMPLES * 2):
        sizes.add(n)
    assert len(sizes.samples) == BYTES_SAMPLES
    assert sizes.count == BYTES_SAMPLES * 2 + 1
    assert sizes.max == 10**6
    assert sizes.total == 10**6 + sum(range(BYTES_SAMPLES * 2))
    assert sizes.p50() == BYTES_SAMPLES + BYTES_SAMPLES // 2 - 1  # nearest rank of the window


def test_many_distinct_events_keep_a_bounded_number_of_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metrics, "BYTES_KEYS", 5)
    counts = Metrics()
    for n in range(50):
        counts.count_event_bytes(("Counter", f"e{n}"), 10)
    assert len(counts.bytes_by_event) == 5 + 1  # the first five, and the rest together
    rest = counts.bytes_by_event[metrics.OTHER_KEY]
    assert (rest.count, rest.total) == (45, 450)


# -- through real sockets -----------------------------------------------------------------------


async def test_a_click_records_its_bytes_under_the_class_and_the_event(
    live_client: LiveClient,
) -> None:
    page = await live_client.open("/counter/")
    connect_frame = page.frames[-1]
    await page.click(f"{FIRST} button", text="Increment")
    answer = page.frames[-1]
    clicked = metrics.metrics.bytes_by_event[("Counter", "increment")]
    assert (clicked.count, clicked.total, clicked.max) == (1, utf8(answer), utf8(answer))
    connected = metrics.metrics.bytes_by_event[("", "connect")]
    assert (connected.count, connected.total) == (1, utf8(connect_frame))
    counter = component_row("Counter")
    assert counter.count == 2 + 1  # two counters at connect, one in the click's answer
    assert counter.samples[-1] == utf8(answer)  # the answer is the counter's part alone
    # At connect each counter's part is its wrapper element; the epoch element is no one's.
    epoch = connect_frame[connect_frame.index('<div id="lv-epoch"') :]
    assert sum(list(counter.samples)[:2]) == utf8(connect_frame) - utf8(epoch)


async def test_an_event_refused_is_recorded_under_its_name(live_client: LiveClient) -> None:
    page = await live_client.open("/counter/")
    await page.send("no_such_event", component=FIRST)
    refused = metrics.metrics.bytes_by_event[("Counter", "no_such_event")]
    assert refused.count == 1 and refused.total == utf8(page.frames[-1])


async def test_many_distinct_event_names_from_a_socket_stay_bounded(
    live_client: LiveClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "BYTES_KEYS", 3)
    page = await live_client.open("/counter/")
    for n in range(8):
        await page.send(f"nope{n}", component=FIRST)
    keys = set(metrics.metrics.bytes_by_event)
    assert len(keys) == 3 + 1 and metrics.OTHER_KEY in keys


async def new_poll() -> Poll:
    poll = await Poll.objects.acreate(question="Lunch?")
    await Choice.objects.abulk_create(Choice(poll=poll, text=t) for t in ("Pizza", "Salad"))
    return poll


async def test_a_broadcast_records_under_broadcast(live_client: LiveClient) -> None:
    poll = await new_poll()
    voter = await live_client.open(f"/polls/{poll.pk}/")
    async with LiveClient() as other:
        watcher = await other.open(f"/polls/{poll.pk}/")
        await voter.click(text="Salad")
        pushed = await watcher.next_frame()
    broadcast = metrics.metrics.bytes_by_event[("", "broadcast")]
    assert broadcast.count >= 1 and broadcast.total >= utf8(pushed)
    assert utf8(pushed) in broadcast.samples
    voted = [k for k in metrics.metrics.bytes_by_event if k[1] == "vote"]
    assert len(voted) == 1  # the voter's click, under its own class and event


async def test_the_inspector_page_shows_both_tables(live_client: LiveClient) -> None:
    page = await live_client.open("/counter/")
    await page.click(f"{FIRST} button", text="Increment")
    answer = utf8(page.frames[-1])
    user = await sync_to_async(User.objects.create_user)("staff", is_staff=True)
    http = AsyncClient()
    await http.aforce_login(user)
    html = (await http.get("/liveview/")).content.decode()
    assert "<h2>Bytes sent per component</h2>" in html
    assert "<h2>Bytes sent per event</h2>" in html
    assert '<tr data-bytes="Counter">' in html
    row = html.split('<tr data-event-bytes="Counter.increment">', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="n">{answer}</td>' in row  # total, p50 and max of the one send
    report = inspect_process()
    assert report.bytes_by_event[0].total >= report.bytes_by_event[-1].total  # busiest first


def test_an_event_name_from_a_client_is_shown_escaped(client: Client) -> None:
    metrics.metrics.count_event_bytes(("Counter", "<script>x</script>"), 7)
    client.force_login(User.objects.create_user("staff", is_staff=True))
    html = client.get("/liveview/").content.decode()
    assert 'data-event-bytes="Counter.&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>x</script>" not in html


async def test_the_event_log_line_carries_the_bytes(
    live_client: LiveClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview.event")
    page = await live_client.open("/counter/")
    await page.click(f"{FIRST} button", text="Increment")
    (handled,) = [r for r in caplog.records if getattr(r, "lv_action", None) == "event"]
    assert handled.lv_bytes == utf8(page.frames[-1])  # type: ignore[attr-defined]


async def test_a_tick_records_under_tick(live_client: LiveClient) -> None:
    user = await sync_to_async(User.objects.create_user)("ticker", is_staff=True)
    await live_client.login(user)
    page = await live_client.open("/liveview/")  # the inspector ticks once a second
    ticked = await page.next_frame(timeout=5)
    tick = metrics.metrics.bytes_by_event[("", "tick")]
    assert utf8(ticked) in tick.samples
    assert utf8(ticked) in component_row("Inspector").samples  # its part is the whole frame
