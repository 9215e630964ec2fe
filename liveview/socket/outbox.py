# Writing to a socket without waiting on it: a broadcast must not stall behind one client
# that stopped reading. A send that would wait (the transport's buffer is full) continues in
# the background; later frames queue behind it, up to a bound, past which the socket is closed
# with 1013 ("try again later": htmx reconnects and re-renders from the server's truth).
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from liveview.core.metrics import SERVER, Cause

logger = logging.getLogger("liveview")

#: Frames queued behind a blocked send before the socket is given up on.
BACKLOG_LIMIT = 64


class Outbox:
    # One per open socket: slots keep it small (no instance dict).
    __slots__ = ("_meter", "_overflow", "_send", "_task", "backlog", "overflowed")

    def __init__(
        self,
        send: Callable[[str], Coroutine[Any, Any, None]],
        overflow: Callable[[], Awaitable[None]],
        meter: Callable[[str, Cause], None] | None = None,
    ) -> None:
        self._send = send
        self._overflow = overflow
        #: Told of every frame pushed and what caused it (the inspector's bytes sent).
        self._meter = meter
        #: None while nothing waits; else the frames queued behind the send that waits.
        self.backlog: deque[str] | None = None
        self._task: asyncio.Task[None] | None = None
        self.overflowed = False

    def push(self, frame: str, cause: Cause = SERVER) -> None:
        if self.overflowed:
            return
        if self.backlog is not None:
            self.backlog.append(frame)
            if len(self.backlog) > BACKLOG_LIMIT:
                self.overflowed = True
                self.backlog.clear()
                self._task = asyncio.ensure_future(self._give_up())
        else:
            waiting = _start(self._send(frame))
            if waiting is not None:
                self.backlog = deque()
                self._task = asyncio.ensure_future(self._drain(waiting))
        if self._meter is not None:  # once the frame is on its way: not in its latency
            self._meter(frame, cause)

    async def _drain(self, waiting: Awaitable[None]) -> None:
        try:
            await waiting
            while self.backlog and not self.overflowed:
                await self._send(self.backlog.popleft())
        except Exception:
            logger.info("liveview: a queued send failed (the socket went away)", exc_info=True)
        finally:
            if not self.overflowed:
                self.backlog = None

    async def _give_up(self) -> None:
        logger.warning(
            "liveview: closing a socket that stopped reading (%d frames behind)", BACKLOG_LIMIT
        )
        await self._overflow()

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.backlog = None


def _start(coro: Coroutine[Any, Any, None]) -> Awaitable[None] | None:
    """Run `coro` until it first waits; None when it finished without waiting (a fast socket),
    else an awaitable for the rest. This is what asyncio's eager tasks do (Python 3.12)."""
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    except Exception:
        logger.info("liveview: a send failed (the socket went away)", exc_info=True)
        return None
    return _resume(coro, yielded)


async def _resume(coro: Coroutine[Any, Any, None], yielded: Any) -> None:
    while True:
        try:
            if isinstance(yielded, asyncio.Future):
                await asyncio.wait([yielded])  # until done; its outcome goes to `coro` below
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            coro.close()
            raise
        try:
            yielded = coro.send(None)
        except StopIteration:
            return
