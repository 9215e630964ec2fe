"""bench/click_dom.py and its pages (bench/click_dom_app.py): what it measures runs, and
yields numbers. Nothing here is timed; the one browser test runs a tiny version end to end."""

from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from bench import click_dom
from bench.click_dom import VARIANTS, BuildResult, section
from bench.click_dom_app import HAND_PATH, ROWS, HandConsumer, page
from bench.click_dom_browser import Timings, quantile
from liveview.testing import LiveClient


def test_quantiles_interpolate_between_the_nearest_values() -> None:
    assert quantile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile([float(n) for n in range(11)], 0.9) == 9.0
    with pytest.raises(ValueError):
        quantile([], 0.5)


def result(millis: dict[str, float]) -> BuildResult:
    """Every variant's clicks all at `millis[scenario + ": " + name]` ms."""
    timings = []
    for v in VARIANTS:
        ms = millis[f"{v.scenario}: {v.name}"]
        timings.append(Timings(v, [(ms, 0.1, ms - 0.3, 0.2)] * 3))
    return BuildResult("htmx4beta", "4.0.0-beta6", timings)


FAST = {
    "counter: hand-written": 2.0,
    "counter: liveview": 2.2,
    "counter: liveview, partial_updates = False": 3.0,
    "table: hand-written": 2.5,
    "table: liveview.data.Table": 3.0,
    "table: liveview.data.Table(stream=True)": 2.6,
}


def test_the_section_holds_every_page_and_its_ratio_to_the_baseline() -> None:
    done = section([result(FAST)], clicks=3, quick=False)
    assert done.met is True
    assert len(done.rows) == len(VARIANTS)
    by_page = {(row[1], row[2]): row for row in done.rows}
    assert by_page[("counter", "liveview")][5] == "1.10"
    assert by_page[("one cell of 300 rows", "liveview.data.Table")][5] == "1.20"
    assert by_page[("counter", "baseline: hand-written")][3:6] == ("2.00", "2.00", "1.00")
    assert "1.10× the hand-written page's 2.00 ms" in done.verdict
    assert "as a stream 2.60 ms, 1.04×" in done.verdict


@pytest.mark.parametrize(
    "page_name, ms",
    [
        ("counter: liveview", 2.3),  # over 1.1× the hand-written page
        ("counter: liveview, partial_updates = False", 2.1),  # the whole morph is faster
        ("table: liveview.data.Table", 3.1),  # over 1.2× the hand-written table
    ],
)
def test_each_target_missed_misses_the_verdict(page_name: str, ms: float) -> None:
    assert section([result({**FAST, page_name: ms})], clicks=3, quick=False).met is False


def test_other_builds_are_noted_with_their_own_verdict() -> None:
    slow = result({**FAST, "counter: liveview": 9.0})
    done = section([result(FAST), slow], clicks=3, quick=False)
    assert done.met is True
    assert len(done.rows) == 2 * len(VARIANTS)
    assert done.notes[-1].endswith("(missed).")


def test_the_hand_written_pages_bind_the_button_to_their_own_socket(settings: Settings) -> None:
    settings.LIVEVIEW_HTMX_VERSION = 2
    html = page(RequestFactory().get("/"), "counter-hand").content.decode()
    assert f'<div ws-connect="{HAND_PATH}" hx-ext="ws">' in html
    assert 'ws-send hx-vals=\'{"event": "increment"}\'' in html
    assert "liveview.js" not in html  # htmx and its ws extension only, no glue
    settings.LIVEVIEW_HTMX_VERSION = 4
    html = page(RequestFactory().get("/"), "table-hand").content.decode()
    assert f'hx-ws:connect="{HAND_PATH}"' in html
    assert html.count("<tr>") == ROWS + 1 and html.count('id="cell"') == 1
    assert page(RequestFactory().get("/"), "nothing").status_code == 404


async def test_the_hand_written_consumer_sends_the_changed_element_alone() -> None:
    socket = WebsocketCommunicator(HandConsumer.as_asgi(), HAND_PATH)
    assert (await socket.connect())[0]
    # htmx 4.0.0-beta6's frame shape, then htmx 2's.
    await socket.send_to(json.dumps({"headers": {}, "body": {"event": "increment"}}))
    assert await socket.receive_from() == '<output id="count" hx-swap-oob="true">1</output>'
    await socket.send_to(json.dumps({"event": "change", "HEADERS": {}}))
    assert await socket.receive_from() == (
        '<td id="cell" data-column="value" hx-swap-oob="true">changed 1</td>'
    )
    await socket.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["table", "table-stream"])
async def test_the_table_page_changes_the_middle_cell_of_its_data_table(
    settings: Settings, name: str
) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    async with LiveClient() as client:
        live = await client.open(f"/bench/click/{name}/")
        assert live.text(click_dom.LV_CELL) != "changed 1"
        await live.click(click_dom.LV_BUTTON)
        await live.click(click_dom.LV_BUTTON)
        assert live.text(click_dom.LV_CELL) == "changed 2"
        assert live.count("tr") == ROWS + 1  # the header's row and 300
        if name == "table-stream":  # the changed row alone, each time
            assert [frame.count("<tr") for frame in live.frames[1:]] == [1, 1]


@pytest.mark.browser
def test_a_tiny_run_in_chromium_yields_numbers_for_every_page() -> None:
    (done,) = click_dom.measure_all(["htmx4beta"], warmup=1, clicks=2, block=1)
    assert done.version.startswith("4.")
    assert [t.variant for t in done.timings] == list(VARIANTS)
    for t in done.timings:  # measure_all checked that each page counted every click once
        assert len(t.clicks) == 2, t.variant
        for total, *parts in t.clicks:
            assert total > 0 and min(parts) >= 0, (t.variant, total, parts)
            assert sum(parts) == pytest.approx(total, abs=1e-6)


def test_each_page_must_show_every_click_counted_once() -> None:
    counter = next(v for v in VARIANTS if v.scenario == "counter")
    table = next(v for v in VARIANTS if v.scenario == "table")
    assert (counter.shows(22), table.shows(22)) == ("22", "changed 22")
