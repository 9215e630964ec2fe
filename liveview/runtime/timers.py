# One-shot timers: `self.live.after(3, self.dismiss, id=4)` runs the method once, three seconds
# on, in the page's turn (ticks.py arms and runs them with the ticker's machinery), only while
# the socket is open. A page holds a bounded number; closing the socket cancels them all.
from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from liveview.authoring.keep import snapshot
from liveview.core.metrics import failed
from liveview.runtime import flash, notify
from liveview.runtime.changes import catch_up
from liveview.runtime.render import redirect_element

if TYPE_CHECKING:
    import asyncio

    from liveview.authoring.component import LiveComponent
    from liveview.runtime.page import Page

#: Timers one page may have pending at once, unless ``LIVEVIEW_MAX_TIMERS`` says otherwise.
MAX_TIMERS = 32
#: The longest delay `after` accepts, in seconds (a day): longer waits belong in a job.
MAX_DELAY = 86_400.0


class TimerError(ValueError):
    """An `after` the page refuses: a bad delay or handler, or too many timers pending."""


@dataclass(eq=False)
class Timer:
    """One pending call: `cancel()` it to drop it (a no-op once it has run)."""

    component: LiveComponent
    method: str
    kwargs: dict[str, Any]
    #: When it is due, on `time.monotonic()`'s clock.
    due: float
    cancelled: bool = False
    #: The event loop's handle once the socket has armed it.
    handle: asyncio.TimerHandle | None = field(default=None, repr=False)
    #: Its turn on the socket that armed it (what the handle calls when it is due).
    armed_with: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def run_now(self) -> None:
        """Run it now rather than when due, in its socket's turn (liveview.testing's
        `LivePage.run_timers`: a test need not wait for the clock)."""
        if self.armed_with is None or self.cancelled:
            raise TimerError(f"{self.method}: this timer is not armed on an open socket")
        if self.handle is not None:
            self.handle.cancel()
        await self.armed_with()

    def cancel(self) -> None:
        self.cancelled = True
        if self.handle is not None:
            self.handle.cancel()
        pending = self.component._lv.page._timers
        if pending is not None and self in pending:
            pending.remove(self)


def max_timers() -> int:
    limit = getattr(settings, "LIVEVIEW_MAX_TIMERS", MAX_TIMERS)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise TimerError(f"LIVEVIEW_MAX_TIMERS is a positive int, not {limit!r}")
    return limit


def schedule(
    page: Page, seconds: float, handler: Callable[..., Any], kwargs: dict[str, Any]
) -> Timer:
    """What `Page.after` does: check everything now, so a mistake fails the caller at once."""
    from liveview.authoring.component import LiveComponent

    comp = getattr(handler, "__self__", None)
    method = getattr(handler, "__name__", "")
    if not isinstance(comp, LiveComponent) or comp._lv.page is not page:
        raise TimerError(
            "after() takes a method of a component of this page, like self.dismiss, "
            f"not {handler!r}"
        )
    if method.startswith("_") or getattr(comp, method, None) != handler:
        raise TimerError(f"after(): {method!r} is not a public method of {type(comp).__name__}")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TimerError(f"after() takes a delay in seconds, not {seconds!r}")
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_DELAY):
        raise TimerError(f"after(): {seconds!r} is not a delay between 0 and {MAX_DELAY:g} seconds")
    pending = page._timers if page._timers is not None else []
    if len(pending) >= max_timers():
        raise TimerError(
            f"after(): this page already has {len(pending)} timers pending "
            "(LIVEVIEW_MAX_TIMERS); cancel one, or let them run first"
        )
    timer = Timer(comp, method, dict(kwargs), time.monotonic() + seconds)
    if page.connected:  # on the first HTTP render there is no socket: mount runs again on it
        pending.append(timer)
        page._timers = pending
    else:
        timer.cancelled = True
    return timer


def unarmed(page: Page) -> list[Timer]:
    """The page's timers that the socket has not handed to its event loop yet."""
    return [t for t in page._timers or () if t.handle is None and not t.cancelled]


def cancel_all(page: Page) -> None:
    for timer in list(page._timers or ()):
        timer.cancel()
    page._timers = None


def fire(page: Page, timer: Timer) -> str | None:
    """Run one due timer in the page's turn: its component's fragment (and those of the
    components its notices reached), or None when nothing's HTML changed."""
    if timer.cancelled:
        return None
    timer.cancel()  # no longer pending: it runs now, once
    comp = timer.component
    if page.components.get(comp._lv.id) is not comp:
        return None  # its component is gone (its parent stopped rendering it)
    notify.begin(page)
    page.redirect_to = None
    before = snapshot(comp.live_state())
    comp._lv.pristine = False
    try:
        failure: BaseException | None = catch_up(comp)
        if failure is None:
            getattr(comp, timer.method)(**timer.kwargs)
    except Exception as exc:
        name = timer.method
        failed("liveview: %s.%s failed", comp, exc, type(comp).__name__, name, event=name)
        failure = exc
    heard = notify.deliver(page) if failure is None else notify.discard(page)
    parts: list[str | None]
    failure = failure or heard.pop(comp, None)
    if failure is not None:
        comp.restore_state(before)
        parts = [page._fail(comp, f"Something went wrong in {timer.method}.", failure)]
    else:
        parts = [page.rerender(comp, before)]
    parts += page.render_touched({}, heard)
    page._follow(comp, rendered=True)
    target = flash.carried(page, page.redirect_to, failed=failure is not None)
    page.redirect_to = None
    if target is not None and failure is None:
        parts.append(redirect_element(target))
    return "".join(p for p in parts if p) or None
