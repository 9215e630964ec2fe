"""The process's metrics move with real sockets, and their log records carry the fields."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from liveview.batteries.inspector import inspect_process
from liveview.core import metrics
from liveview.core.metrics import (
    BYTES_SAMPLES,
    RENDER_SAMPLES,
    ByteSizes,
    Metrics,
    RenderTimes,
)
from tests.support import LiveCommunicator, Spec, connect

pytestmark = pytest.mark.usefixtures("fresh_metrics")

GREETER: Spec = ("test_greeter", "lv-1", {})


def records(caplog: pytest.LogCaptureFixture, action: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "lv_action", None) == action]


async def event(comm: LiveCommunicator, handler: str, **values: object) -> None:
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": handler, **values}))


async def test_an_open_socket_counts_as_an_open_connection() -> None:
    before = inspect_process().connections_open
    comm, _ = await connect(GREETER)
    report = inspect_process()
    assert report.connections_open == before + 1
    assert report.connections_opened == 1
    await comm.disconnect()


async def test_a_closed_socket_is_counted_with_its_close_code() -> None:
    comm, _ = await connect(GREETER)
    await comm.disconnect(code=4321)
    report = inspect_process()
    assert report.connections_closed == 1
    assert report.close_codes == [(4321, 1)]


async def test_mounted_components_are_counted_by_class() -> None:
    comm, _ = await connect(GREETER, ("test_child", "lv-2", {"start": 1}))
    components = dict(inspect_process().components)
    assert components["Greeter"] >= 1 and components["Child"] >= 1
    await comm.disconnect()


async def test_an_event_is_counted() -> None:
    comm, _ = await connect(GREETER)
    await event(comm, "rename", name="Ada")
    await comm.receive_from()
    assert inspect_process().events == 1
    await comm.disconnect()


async def test_an_event_records_a_render_time_for_its_class() -> None:
    comm, _ = await connect(GREETER)
    renders_at_connect = metrics.metrics.render_times("Greeter").count
    await event(comm, "rename", name="Ada")
    await comm.receive_from()
    row = next(r for r in inspect_process().renders if r.component == "Greeter")
    assert row.renders == renders_at_connect + 1
    assert 0 < row.p50_ms <= row.p99_ms
    await comm.disconnect()


async def test_a_failing_handler_is_a_recent_error() -> None:
    comm, _ = await connect(GREETER)
    await event(comm, "explode")
    await comm.receive_from()
    report = inspect_process()
    assert report.errors_total == 1
    (error,) = report.errors
    assert (error.component, error.component_id, error.event) == ("Greeter", "lv-1", "explode")
    assert error.error == "RuntimeError: secret internals"
    await comm.disconnect()


async def test_a_subscribed_topic_is_listed_with_its_subscribers() -> None:
    spec = ("test_watcher", "lv-1", {"uri": "/metrics-topic/1"})
    first, _ = await connect(spec)
    second, _ = await connect(spec)
    assert ("/metrics-topic/1", 2) in inspect_process().topics
    await first.disconnect()
    await second.disconnect()


async def test_connect_and_disconnect_are_logged_with_their_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview")
    comm, _ = await connect(GREETER)
    await comm.disconnect(code=4321)
    (opened,) = records(caplog, "connect")
    assert opened.name == "liveview.connection"
    assert opened.lv_components == 1  # type: ignore[attr-defined]
    assert opened.lv_user is None  # type: ignore[attr-defined]
    (closed,) = records(caplog, "disconnect")
    assert closed.lv_close_code == 4321  # type: ignore[attr-defined]
    assert closed.lv_duration_ms >= 0  # type: ignore[attr-defined]


async def test_a_handled_event_is_logged_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview")
    comm, _ = await connect(GREETER)
    await event(comm, "rename", name="Ada")
    await comm.receive_from()
    await comm.disconnect()
    (handled,) = records(caplog, "event")
    assert handled.name == "liveview.event"
    assert handled.lv_component == "Greeter"  # type: ignore[attr-defined]
    assert handled.lv_component_id == "lv-1"  # type: ignore[attr-defined]
    assert handled.lv_event == "rename"  # type: ignore[attr-defined]
    assert handled.lv_outcome == "ok"  # type: ignore[attr-defined]
    assert handled.lv_duration_ms > 0  # type: ignore[attr-defined]


async def test_a_failed_event_is_logged_with_outcome_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview")
    comm, _ = await connect(GREETER)
    await event(comm, "explode")
    await comm.receive_from()
    await comm.disconnect()
    (handled,) = records(caplog, "event")
    assert handled.lv_outcome == "error"  # type: ignore[attr-defined]


async def test_a_render_is_logged_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="liveview")
    comm, _ = await connect(GREETER)
    await comm.disconnect()
    (render,) = records(caplog, "render")
    assert render.name == "liveview.render"
    assert render.lv_component == "Greeter"  # type: ignore[attr-defined]
    assert render.lv_component_id == "lv-1"  # type: ignore[attr-defined]
    assert render.lv_duration_ms > 0  # type: ignore[attr-defined]


async def test_an_error_is_logged_with_its_fields_and_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    comm, _ = await connect(GREETER)
    await event(comm, "explode")
    await comm.receive_from()
    await comm.disconnect()
    (error,) = records(caplog, "error")
    assert error.name == "liveview" and error.levelno == logging.ERROR
    assert error.lv_component == "Greeter"  # type: ignore[attr-defined]
    assert error.lv_event == "explode"  # type: ignore[attr-defined]
    assert error.lv_error == "RuntimeError"  # type: ignore[attr-defined]
    assert error.exc_info is not None and error.exc_info[0] is RuntimeError


async def test_no_debug_record_is_made_when_the_loggers_are_above_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="liveview")
    comm, _ = await connect(GREETER)
    await event(comm, "rename", name="Ada")
    await comm.receive_from()
    await comm.disconnect()
    assert [r for r in caplog.records if r.levelno < logging.INFO] == []


def test_events_per_second_averages_the_last_whole_seconds() -> None:
    counts = Metrics()
    for second in range(100, 105):
        for _ in range(second - 99):  # 1, 2, 3, 4, 5 events
            counts.count_event(second + 0.5)
    counts.count_event(105.1)  # the current second: not counted yet
    assert counts.events_per_second(now=105.2) == (1 + 2 + 3 + 4 + 5) / 5


def test_events_per_second_forgets_seconds_out_of_the_window() -> None:
    counts = Metrics()
    counts.count_event(100.5)
    assert counts.events_per_second(now=101.0) == 1 / 5
    assert counts.events_per_second(now=107.0) == 0


def test_render_percentiles_are_nearest_rank() -> None:
    times = RenderTimes()
    for ms in range(1, 101):
        times.samples.append(ms / 1000)
    assert times.percentiles() == (0.050, 0.099)


def test_render_samples_are_bounded() -> None:
    times = RenderTimes()
    for n in range(RENDER_SAMPLES * 3):
        times.samples.append(float(n))
    assert len(times.samples) == RENDER_SAMPLES
    assert min(times.samples) == RENDER_SAMPLES * 2


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


def test_every_log_field_is_documented_and_only_those() -> None:
    root = Path(__file__).resolve().parent.parent
    used = set(
        re.findall(r'"(lv_[a-z_]+)"', (root / "liveview" / "core" / "metrics.py").read_text())
    )
    doc = (root / "docs" / "inspector.md").read_text()
    documented = set(re.findall(r"^\| `(lv_[a-z_]+)` \|", doc, flags=re.M))
    assert used == documented


def test_reset_starts_every_count_again_on_the_same_object() -> None:
    counts = Metrics()
    counts.count_event(100.0)
    counts.connections_opened = 3
    counts.close_codes[4403] += 1
    counts.render_times("Greeter").samples.append(0.1)
    counts.count_component_bytes("Greeter", 10)
    counts.reset()
    fresh = Metrics()
    assert (counts.events, counts.connections_opened, counts.close_codes) == (0, 0, {})
    assert (counts.renders, counts.bytes_by_component) == ({}, {})
    assert counts.events_per_second(101.0) == fresh.events_per_second(101.0) == 0.0
    assert metrics.reset.__doc__  # the module's reset() resets the process's object in place
    before = metrics.metrics
    metrics.reset()
    assert metrics.metrics is before
