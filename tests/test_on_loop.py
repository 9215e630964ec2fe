"""`@event(on_loop=True)`: the handler and its reply run on the event loop, no thread hop."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from liveview import LiveComponent, event
from tests.components import THREADS
from tests.support import connect, shown


@pytest.fixture(autouse=True)
def _clear() -> None:
    THREADS.clear()


async def _send(comm: object, event_name: str, **values: object) -> str:
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": event_name, **values}))  # type: ignore[attr-defined]
    frame: str = await comm.receive_from()  # type: ignore[attr-defined]
    return frame


async def test_an_on_loop_handler_and_its_render_run_on_the_loop() -> None:
    comm, first = await connect(("test_loop_counter", "lv-1", {}))
    THREADS.clear()
    frame = await _send(comm, "increment")
    assert "<output>1</output>" in shown(first, frame)
    loop = threading.get_ident()
    assert THREADS == [("increment", loop), ("render", loop)]
    await comm.disconnect()


async def test_an_async_on_loop_handler_renders_on_the_loop_too() -> None:
    comm, first = await connect(("test_loop_counter", "lv-1", {}))
    THREADS.clear()
    frame = await _send(comm, "add", by=5)
    assert "<output>5</output>" in shown(first, frame)
    loop = threading.get_ident()
    assert THREADS == [("add", loop), ("render", loop)]
    await comm.disconnect()


async def test_a_plain_handler_still_runs_in_the_sync_thread() -> None:
    comm, first = await connect(("test_loop_counter", "lv-1", {}))
    THREADS.clear()
    frame = await _send(comm, "plain")
    assert "<output>100</output>" in shown(first, frame)
    loop = threading.get_ident()
    assert [what for what, _ in THREADS] == ["plain", "render"]
    assert all(ident != loop for _, ident in THREADS)
    await comm.disconnect()


async def test_an_on_loop_handler_reading_the_database_shows_an_error_and_keeps_the_state(
    caplog: pytest.LogCaptureFixture,
) -> None:
    comm, first = await connect(("test_loop_counter", "lv-1", {}))
    one = await _send(comm, "increment")
    with caplog.at_level(logging.ERROR, logger="liveview"):
        failed = await _send(comm, "count_users")
    assert "Something went wrong in count_users." in failed
    assert "<output>1</output>" in shown(first, one, failed)
    assert "LoopCounter.count_users is @event(on_loop=True) but touched the database" in (
        caplog.text
    )
    after = await _send(comm, "increment")
    assert "<output>2</output>" in shown(first, one, failed, after)
    await comm.disconnect()


async def test_an_on_loop_handler_that_publishes_gets_its_reply_from_the_sync_thread() -> None:
    comm, first = await connect(("test_loop_counter", "lv-1", {}))
    THREADS.clear()
    frame = await _send(comm, "publish_count")
    assert "<output>1</output>" in shown(first, frame)
    loop = threading.get_ident()
    (render,) = [ident for what, ident in THREADS if what == "render"]
    assert render != loop
    await comm.disconnect()


def test_on_loop_refuses_a_permission() -> None:
    with pytest.raises(TypeError, match=r"on_loop=True\) cannot take permission="):

        class Guarded(LiveComponent):
            template = "<p></p>"

            @event(on_loop=True, permission="auth.view_user")
            def peek(self) -> None:
                pass
