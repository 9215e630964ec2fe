# A page's socket opened in-process with Channels' WebsocketCommunicator: the browser's cookies
# and headers, events stamped with the connection's epoch, and a way to know the server is idle.
from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from channels.testing import WebsocketCommunicator
from django.http import HttpRequest
from django.middleware.csrf import get_token

from liveview.runtime.render import ACK_MARK, read_ack
from liveview.socket.protocol import VERSION_KEY

_EPOCH = re.compile(r'<div id="lv-epoch" hidden data-v="([^"]*)"(?: data-ack="(\d+)")?[^>]*></div>')

Scope = dict[str, Any]


class LiveCommunicator(WebsocketCommunicator):  # type: ignore[misc]
    """A socket as the glue drives it: every event it sends carries the connection's epoch,
    learnt from the frames it received (`stamp=False` sends a frame as given)."""

    epoch = ""
    #: The `lv_seq` of the last event the server acknowledged in this epoch.
    ack = 0

    async def receive_from(self, timeout: float = 10) -> Any:
        """The next frame, without the epoch element a connect's frame ends with, nor the
        acknowledgement (that element, or the comment ending an event's reply).

        The wait ends as soon as a frame comes; the generous limit only matters on a loaded
        machine (a 1 s limit timed out on 2 cores shared with other test runs)."""
        frame = await super().receive_from(timeout)
        if not isinstance(frame, str):
            return frame
        found = _EPOCH.search(frame)
        if found:
            if found.group(1) != self.epoch:
                self.epoch, self.ack = found.group(1), 0
            self.ack = max(self.ack, int(found.group(2) or 0))
            frame = frame[: found.start()] + frame[found.end() :]
        acked = read_ack(frame)
        if acked is not None:  # on this socket: in the epoch its connect frame gave
            self.ack = max(self.ack, acked)
            frame = frame[: frame.rfind(ACK_MARK)]
        return frame

    async def send_to(
        self, text_data: str | None = None, bytes_data: bytes | None = None, *, stamp: bool = True
    ) -> None:
        if stamp and text_data is not None:
            text_data = _stamped(text_data, self.epoch)
        await super().send_to(text_data=text_data, bytes_data=bytes_data)


def _stamped(text: str, epoch: str) -> str:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text
    if not isinstance(data, dict) or VERSION_KEY in data:
        return text
    return json.dumps({**data, VERSION_KEY: epoch})


def csrf_token_for(secret: str) -> str:
    """A masked CSRF token for `secret`, as a page rendered for that browser carries it."""
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = secret
    return get_token(request)


class Served:
    """The ASGI app as a server presents it to one connection, counting its reads.

    WebsocketCommunicator's scope has no `scheme` or `client`; a server's has. The consumer
    reads its next message only once it has finished with the previous one, so when it has
    asked for message n + 1, everything the first n caused has been sent.
    """

    def __init__(self, application: Any, scheme: str = "ws") -> None:
        self.application = application
        self.scheme = scheme
        self.reads = 0
        self._read = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            self.reads += 1
            self._read.set()
            return await receive()

        client = ["127.0.0.1", 50000]
        await self.application({**scope, "scheme": self.scheme, "client": client}, counted, send)

    async def read_past(self, sent: int, app: asyncio.Future[Any], timeout: float) -> None:
        """Wait until the app has asked for message `sent + 1`, or has ended."""
        async with asyncio.timeout(timeout):
            while self.reads <= sent and not app.done():
                self._read.clear()
                waiter = asyncio.ensure_future(self._read.wait())
                try:
                    await asyncio.wait({waiter, app}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
        if app.done() and not app.cancelled():
            app.result()  # the app's own exception, if it crashed
