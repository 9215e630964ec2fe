# Periodic re-renders: a component whose class sets `tick_every` (seconds) has its `tick()` run
# and is re-rendered that often, by one task per socket, only while the socket is open.
from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from liveview.changes import catch_up
from liveview.metrics import BROADCAST, TICK, failed
from liveview.page import in_sync_thread

if TYPE_CHECKING:
    from liveview.consumer import LiveConsumer
    from liveview.page import Page

logger = logging.getLogger("liveview")


def interval(page: Page) -> float | None:
    """How often the page's socket must wake: its fastest ticking component's `tick_every`."""
    found = [c.tick_every for c in list(page.components.values()) if c.tick_every is not None]
    return min(found) if found else None


def start(consumer: LiveConsumer) -> None:
    """Start the socket's ticker if some component of its page ticks and none runs yet."""
    page = consumer.page
    if consumer.ticker is not None or page is None or interval(page) is None:
        return
    consumer.ticker = asyncio.get_running_loop().create_task(
        _run(consumer, page), name="liveview-ticker"
    )


def stop(consumer: LiveConsumer) -> None:
    task, consumer.ticker = consumer.ticker, None
    if task is not None:
        task.cancel()


async def _run(consumer: LiveConsumer, page: Page) -> None:
    due: dict[str, float] = {}  # component id -> when it ticks next (time.monotonic())
    try:
        while (every := interval(page)) is not None:
            await asyncio.sleep(every)
            if consumer.page is not page:
                return  # closed, or its access was revoked
            async with consumer.lock:  # in turn with events and broadcasts
                frame = await in_sync_thread(tick)(page, time.monotonic(), due)
                if frame:
                    consumer.outbox.push(frame, TICK)
                if consumer.deferred:  # broadcasts that arrived during the tick
                    deferred, consumer.deferred = consumer.deferred, []
                    frame = await in_sync_thread(page.changed)(deferred)
                    if frame:
                        consumer.outbox.push(frame, BROADCAST)
            await consumer._follow_topics()
    except Exception:
        logger.exception("liveview: the ticker of a page failed; its components stop ticking")
    finally:
        if consumer.ticker is asyncio.current_task():
            consumer.ticker = None


def tick(page: Page, now: float, due: dict[str, Any]) -> str | None:
    """Tick every component that is due; the fragments of those whose HTML changed."""
    parts: list[str | None] = []
    for comp in list(page.components.values()):
        every = comp.tick_every
        if every is None or due.get(comp._lv_id, now) > now:
            continue
        due[comp._lv_id] = now + every
        comp._lv_pristine = False  # its state is no longer what mount made of its arguments
        try:
            failure: BaseException | None = catch_up(comp)
            if failure is None:
                comp.tick()
        except Exception as exc:
            failed("liveview: %s.tick failed", comp, exc, type(comp).__name__, event="tick")
            failure = exc
        if failure is not None:
            parts.append(page._fail(comp, "Something went wrong while updating.", failure))
            continue
        parts.append(page.rerender(comp))
        page._follow(comp)
    return "".join(p for p in parts if p) or None
