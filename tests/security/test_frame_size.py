"""Oversized frames (Daphne's CVE-2026-44545 was an unbounded frame): closed with 1009."""

from __future__ import annotations

import gc
import json
import tracemalloc

import pytest
from pytest_django.fixtures import Settings

from liveview.socket.protocol import CloseCode
from tests.support import Spec, closed_with, connect

PAGE: Spec = ("test_recorder", "lv-1", {})


def oversized(limit: int) -> str:
    return json.dumps({"lv": "lv-1", "event": "add", "pad": "x" * limit})


async def test_a_frame_over_the_limit_closes_the_socket_with_1009() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=oversized(64 * 1024))
    assert await closed_with(comm) == CloseCode.MESSAGE_TOO_BIG


async def test_a_binary_frame_over_the_limit_closes_with_1009_too() -> None:
    comm, _ = await connect(PAGE)
    await comm.send_to(bytes_data=b"x" * (64 * 1024 + 1))
    assert await closed_with(comm) == CloseCode.MESSAGE_TOO_BIG


async def test_multibyte_text_is_measured_in_bytes(settings: Settings) -> None:
    settings.LIVEVIEW_MAX_FRAME_BYTES = 1000
    comm, _ = await connect(PAGE)
    await comm.send_to(
        text_data=json.dumps({"lv": "lv-1", "event": "add", "p": "é" * 400}, ensure_ascii=False)
    )
    assert await closed_with(comm) == CloseCode.MESSAGE_TOO_BIG  # 400 characters, 800+ bytes


async def test_the_limit_is_a_setting_and_frames_under_it_are_events(
    settings: Settings,
) -> None:
    settings.LIVEVIEW_MAX_FRAME_BYTES = 200
    comm, _ = await connect(PAGE)
    await comm.send_to(text_data=json.dumps({"lv": "lv-1", "event": "add", "n": 2}))
    assert ">x|2|" in await comm.receive_from()
    await comm.send_to(text_data=oversized(200))
    assert await closed_with(comm) == CloseCode.MESSAGE_TOO_BIG


@pytest.mark.parametrize("attempts", [100])
async def test_memory_stays_flat_over_many_oversized_frames(attempts: int) -> None:
    async def attempt() -> None:
        comm, _ = await connect(PAGE)
        await comm.send_to(text_data=oversized(256 * 1024))
        assert await closed_with(comm) == CloseCode.MESSAGE_TOO_BIG
        await comm.disconnect()

    for _ in range(10):  # warm up: caches, first-use allocations
        await attempt()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(attempts):
            await attempt()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 100 frames of 256 KiB went through; what stays is far less than one of them.
    assert grown < 256 * 1024, f"{grown} bytes kept after {attempts} oversized frames"
