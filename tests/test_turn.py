"""One socket's turn (liveview.runtime.turn): the one place that holds the page's lock, defers
the changes a delivery brings mid-turn, sends frames in order and follows the page's topics."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

import pytest

from liveview.core.metrics import BROADCAST, TICK, Cause
from liveview.pubsub.resources import ResourceChanged
from liveview.runtime import turn
from liveview.runtime.page import Page

LIVEVIEW = Path(__file__).resolve().parent.parent / "liveview"


class FakePage:
    """What a turn reads of a page: its changes rendered, its topics."""

    def __init__(self) -> None:
        self.applied: list[list[ResourceChanged]] = []
        self.topics_changed = False
        self.components: dict[str, Any] = {}
        self._timers: list[Any] = []
        self.turns = 0

    def changed(self, changes: list[ResourceChanged]) -> str:
        self.applied.append(changes)
        return f"<changed {len(changes)}>"

    def topics(self) -> frozenset[str]:
        return frozenset()


class Socket:
    origin = "page-key"
    page: Page | None = None


def a_turn() -> tuple[turn.Turn, FakePage, list[tuple[str, Cause]]]:
    sent: list[tuple[str, Cause]] = []
    current = turn.Turn(Socket(), lambda frame, cause: sent.append((frame, cause)))
    page = FakePage()
    current.page = page  # type: ignore[assignment]
    return current, page, sent


def change(uri: str) -> ResourceChanged:
    return ResourceChanged("PUT", uri, "/things/", "e1")


@pytest.mark.django_db
async def test_a_delivery_during_a_turn_is_applied_when_the_turn_ends_after_its_frame() -> None:
    current, page, sent = a_turn()
    inside, release = asyncio.Event(), asyncio.Event()

    async def event_turn() -> None:
        async with current.held(page):  # type: ignore[arg-type]
            inside.set()
            await release.wait()
            current.push("<event>", TICK)

    task = asyncio.create_task(event_turn())
    await inside.wait()
    await turn.deliver({current: [change("/things/1")]})
    assert sent == [] and current.deferred == [change("/things/1")]
    release.set()
    await task
    assert sent == [("<event>", TICK), ("<changed 1>", BROADCAST)]
    assert current.deferred == [] and not current.lock.locked()


@pytest.mark.django_db
async def test_run_refuses_a_page_the_socket_no_longer_holds() -> None:
    current, page, sent = a_turn()
    assert await current.run(page, lambda: "<tick>", TICK)  # type: ignore[arg-type]
    assert sent == [("<tick>", TICK)]
    current.page = None
    assert not await current.run(page, lambda: "<late>", TICK)  # type: ignore[arg-type]
    assert sent == [("<tick>", TICK)]


def test_only_the_turn_touches_a_socket_s_lock_and_deferred_changes() -> None:
    """The consumer, ticks and timers go through `Turn`; none takes the lock itself."""
    touching = sorted(
        str(path.relative_to(LIVEVIEW))
        for path in LIVEVIEW.rglob("*.py")
        if any(
            isinstance(node, ast.Attribute) and node.attr in {"lock", "deferred"}
            for node in ast.walk(ast.parse(path.read_text()))
        )
    )
    assert touching == ["runtime/turn.py"]
