# Periodic re-renders: a component whose class sets `tick_every` (seconds) has its `tick()` run
# and is re-rendered that often, by one task per socket, only while the socket is open. The
# page's one-shot timers (timers.py) are armed here too. Both run as the socket's turns (turn.py).
from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import TYPE_CHECKING, Any

from liveview.core.metrics import TICK, event_cause, failed
from liveview.runtime import notify, timers
from liveview.runtime.changes import catch_up

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page
    from liveview.runtime.turn import Turn

logger = logging.getLogger("liveview")


def interval(page: Page) -> float | None:
    """How often the page's socket must wake: its fastest ticking component's `tick_every`."""
    found = [c.tick_every for c in list(page.components.values()) if c.tick_every is not None]
    return min(found) if found else None


def start(turn: Turn) -> None:
    """Start the socket's ticker if some component of its page ticks and none runs yet, and
    hand the page's new timers to the event loop."""
    page = turn.page
    if page is not None and page._timers:
        _arm(turn, page)
    if turn.ticker is not None or page is None or interval(page) is None:
        return
    turn.ticker = asyncio.get_running_loop().create_task(_run(turn, page), name="liveview-ticker")


def stop(turn: Turn) -> None:
    task, turn.ticker = turn.ticker, None
    if task is not None:
        task.cancel()
    if turn.page is not None:
        timers.cancel_all(turn.page)


def _arm(turn: Turn, page: Page) -> None:
    loop = asyncio.get_running_loop()
    for timer in timers.unarmed(page):
        delay = max(0.0, timer.due - time.monotonic())
        timer.handle = loop.call_later(delay, _spawn, turn, page, timer)
        timer.armed_with = functools.partial(_fire, turn, page, timer)


def _spawn(turn: Turn, page: Page, timer: timers.Timer) -> None:
    task = asyncio.get_running_loop().create_task(_fire(turn, page, timer), name="liveview-timer")
    _firing.add(task)
    task.add_done_callback(_firing.discard)


#: Timer turns under way (the loop holds tasks weakly).
_firing: set[asyncio.Task[None]] = set()


async def _fire(turn: Turn, page: Page, timer: timers.Timer) -> None:
    try:
        cause = event_cause(timer.component, f"after:{timer.method}")
        # The turn ends by arming what the handler set: another timer, a ticking child.
        if not await turn.run(page, lambda: timers.fire(page, timer), cause):
            timers.cancel_all(page)  # the socket let go of the page (its access was revoked)
    except Exception:
        logger.exception("liveview: a timer of a page failed")


async def _run(turn: Turn, page: Page) -> None:
    due: dict[str, float] = {}  # component id -> when it ticks next (time.monotonic())
    try:
        while (every := interval(page)) is not None:
            await asyncio.sleep(every)
            # The turn ends by arming the timers the ticks set (`start`; this task runs).
            if not await turn.run(page, lambda: tick(page, time.monotonic(), due), TICK):
                return
    except Exception:
        logger.exception("liveview: the ticker of a page failed; its components stop ticking")
    finally:
        if turn.ticker is asyncio.current_task():
            turn.ticker = None


def tick(page: Page, now: float, due: dict[str, Any]) -> str | None:
    """Tick every component that is due, then deliver their notices; the fragments of those
    whose HTML changed."""
    ticked: dict[LiveComponent, BaseException | None] = {}
    notify.begin(page)
    for comp in list(page.components.values()):
        every = comp.tick_every
        if every is None or due.get(comp._lv.id, now) > now:
            continue
        due[comp._lv.id] = now + every
        comp._lv.pristine = False  # its state is no longer what mount made of its arguments
        sent = len(page.mailbox.queue)
        try:
            failure: BaseException | None = catch_up(comp)
            if failure is None:
                comp.tick()
        except Exception as exc:
            failed("liveview: %s.tick failed", comp, exc, type(comp).__name__, event="tick")
            failure = exc
        if failure is not None:
            del page.mailbox.queue[sent:]  # what a failed tick sent goes nowhere
        ticked[comp] = failure
    heard = notify.deliver(page)
    parts: list[str | None] = []
    for comp, failure in ticked.items():
        failure = failure or heard.pop(comp, None)
        if failure is not None:
            parts.append(page._fail(comp, "Something went wrong while updating.", failure))
            continue
        parts.append(page.rerender(comp))
        page._follow(comp, rendered=True)
    parts += page.render_touched({}, heard)
    return "".join(p for p in parts if p) or None
