"""Stale replays: events htmx queued while the socket was down, replayed on reconnect, were made
against the previous connection's page; they carry its epoch and are refused, so nothing
happens twice."""

from __future__ import annotations

import json

from tests.support import Spec, connect

PAGE: Spec = ("test_recorder", "lv-1", {})


def add(epoch: str | None) -> str:
    frame = {"lv": "lv-1", "event": "add"}
    return json.dumps(frame if epoch is None else {**frame, "lv_v": epoch})


async def test_an_event_of_this_connection_runs() -> None:
    comm, _ = await connect(PAGE)
    assert comm.epoch
    await comm.send_to(text_data=add(comm.epoch), stamp=False)
    assert ">x|1|" in await comm.receive_from()
    await comm.disconnect()


async def test_events_replayed_from_the_previous_connection_are_refused() -> None:
    before, _ = await connect(PAGE)
    old_epoch = before.epoch
    await before.send_to(text_data=add(old_epoch), stamp=False)
    assert ">x|1|" in await before.receive_from()
    await before.disconnect()
    # The page reconnects (same token); htmx 2 replays three clicks queued meanwhile.
    after, _ = await connect(PAGE)
    assert after.epoch != old_epoch
    for _ in range(3):
        await after.send_to(text_data=add(old_epoch), stamp=False)
        refused = await after.receive_from()
        assert "was reconnecting" in refused and ">x|0|" in refused  # not counted
    # A click made on the new render counts once.
    await after.send_to(text_data=add(after.epoch), stamp=False)
    assert ">x|1|" in await after.receive_from()
    await after.disconnect()


async def test_an_event_without_an_epoch_is_refused() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=add(None), stamp=False)
    assert "was reconnecting" in await comm.receive_from()
    await comm.disconnect()


async def test_an_epoch_that_is_not_a_string_is_refused() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(
        text_data=json.dumps({"lv": "lv-1", "event": "add", "lv_v": [comm.epoch]}), stamp=False
    )
    assert "was reconnecting" in await comm.receive_from()
    await comm.disconnect()
