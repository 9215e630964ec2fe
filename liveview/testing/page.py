# One live page in a test: its socket, its DOM kept current with every frame, its address and
# history, and the page read back as the user sees it (the user's actions: testing/actions.py).
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import Tag

from liveview.authoring.urlstate import URL_EVENT
from liveview.core.dialect import Dialect, FrameShape
from liveview.runtime.render import EPOCH_ID
from liveview.testing.actions import UserActions
from liveview.testing.bindings import message
from liveview.testing.dom import Document, LiveTestError, attr, text_of
from liveview.testing.forms import value_of
from liveview.testing.socket import LiveCommunicator, Served


class LivePage(UserActions):
    """A page opened by `LiveClient.open`: act on it, read it back (docs/testing.md)."""

    def __init__(
        self,
        communicator: LiveCommunicator,
        served: Served,
        document: Document,
        *,
        dialect: Dialect,
        frame: FrameShape,
        url: str,
        timeout: float,
    ) -> None:
        self._socket = communicator
        self._served = served
        self._doc = document
        self._sent = 0
        #: The htmx the page was rendered for, and the shape of the frames its build sends.
        self.dialect = dialect
        self.frame = frame
        self.url = url
        self.timeout = timeout
        #: Every frame the server sent, in order, as sent (the connect's full render first).
        self.frames: list[str] = []
        #: The close code, once the server has closed the socket.
        self.close_code: int | None = None
        #: The newest renewed page token a frame carried (a reconnect uses it).
        self._token = ""
        #: The answer `click(confirm=)` gives a binding's hx-confirm question, while it runs.
        self._answer: bool | None = None
        #: The browser's history of this page (path and query), and where it is in it.
        self.history: list[str] = [_path_of(url)]
        self._at = 0

    # -- the socket ------------------------------------------------------------------------

    async def connect(self) -> None:
        connected, code = await self._socket.connect(self.timeout)
        self._sent = 1
        if not connected:
            self.close_code = code
            return
        await self._settle()

    async def close(self) -> None:
        """Disconnect, as a closed tab does."""
        if not self._socket.future.done():
            await self._socket.disconnect(timeout=self.timeout)

    async def reconnect(self) -> None:
        """Close the socket (if open) and open a new one for the same page, as the glue does
        after a drop or a hidden tab: with the newest page token a frame carried (``data-t``
        on ``#lv-epoch``), the DOM as it is. The server mounts the page afresh; its first frame
        and epoch apply as on the first connect."""
        await self.close()
        scope = self._socket.scope
        query = parse_qs(scope["query_string"].decode("latin-1"))
        if self._token:
            query["t"] = [self._token]
        query["u"] = [self.location]  # where the browser is now, as the glue sends it
        path = f"{scope['path']}?{urlencode(query, doseq=True)}"
        self._served = Served(self._served.application, self._served.scheme)
        self._socket = LiveCommunicator(self._served, path, headers=scope["headers"])
        self.close_code = None
        await self.connect()

    async def next_frame(self, timeout: float = 5.0) -> str:
        """Wait for the next frame the server sends (a broadcast), apply it and return it."""
        async with asyncio.timeout(timeout):
            while True:
                self._raise_if_closed()
                output = await self._socket.output_queue.get()
                text = self._take(output)
                if text is not None:
                    return text

    async def run_timers(self, limit: int = 100) -> int:
        """Run this page's pending one-shot timers (``self.live.after``) now, soonest first, as
        if their time had come (and those they set, up to `limit`); their frames are applied.
        How many ran."""
        from liveview.socket.consumer import open_pages

        self._raise_if_closed()
        page = next((p for p in open_pages() if p.key == self._doc.epoch), None)
        if page is None:
            raise LiveTestError("this page's socket is not open: it has no timers to run")
        ran = 0
        while ran < limit and (armed := [t for t in page.timers if t.armed_with is not None]):
            await armed[0].run_now()
            ran += 1
        queue = self._socket.output_queue
        while not queue.empty():
            self._take(queue.get_nowait())
        return ran

    async def _settle(self) -> None:
        """Wait until the server has handled everything sent, then apply what it answered."""
        await self._served.read_past(self._sent, self._socket.future, self.timeout)
        queue = self._socket.output_queue
        while not queue.empty():
            self._take(queue.get_nowait())

    def _take(self, output: dict[str, Any]) -> str | None:
        if output["type"] == "websocket.close":
            self.close_code = int(output.get("code", 1000))
            return None
        text = output.get("text")
        if output["type"] != "websocket.send" or not isinstance(text, str):
            return None
        self.frames.append(text)
        self._doc.apply(text)
        self._follow_address()
        epoch = self._doc.soup.find(id=EPOCH_ID)
        token = epoch.get("data-t") if isinstance(epoch, Tag) else None
        if isinstance(token, str) and token:  # kept the way the glue keeps it: the newest seen
            self._token = token
        return text

    def _raise_if_closed(self) -> None:
        if self.close_code is not None:
            raise LiveTestError(f"the server closed this page's socket (code {self.close_code})")

    async def _send(self, text: str) -> None:
        self._raise_if_closed()
        await self._socket.send_to(text_data=text, stamp=False)
        self._sent += 1
        await self._settle()

    # -- the address (url_state, docs/urls.md) ---------------------------------------------

    @property
    def location(self) -> str:
        """The page's address as the browser shows it now: path and query string."""
        return self.history[self._at]

    def _follow_address(self) -> None:
        for url, mode in self._doc.addresses:
            if mode == "replace":
                self.history[self._at] = url
            else:
                del self.history[self._at + 1 :]
                self.history.append(url)
                self._at += 1
        self._doc.addresses.clear()

    async def back(self) -> None:
        """The browser's back button: the address before, sent to the server as the glue does."""
        if self._at == 0:
            raise LiveTestError("no history entry before this one")
        self._at -= 1
        await self._navigated()

    async def forward(self) -> None:
        """The browser's forward button."""
        if self._at + 1 >= len(self.history):
            raise LiveTestError("no history entry after this one")
        self._at += 1
        await self._navigated()

    async def _navigated(self) -> None:
        first = self._doc.select("[data-lv]")
        if not first:
            raise LiveTestError("the page has no live component")
        body = {"lv": attr(first[0], "id"), "event": URL_EVENT, "url": self.location}
        await self._send(message(body, self._doc.epoch, self.frame, None, self.url))

    # -- reading back ----------------------------------------------------------------------

    def text(self, selector: str) -> str:
        """The text of the first element matching `selector`, whitespace collapsed."""
        return text_of(self._doc.one(selector))

    def html(self, selector: str | None = None) -> str:
        """The outer HTML of the first match, or the whole document."""
        return str(self._doc.soup if selector is None else self._doc.one(selector))

    def has(self, selector: str, text: str | None = None) -> bool:
        """Whether an element matches `selector` (and its text contains `text`)."""
        found = self._doc.select(selector)
        return any(text is None or text in text_of(e) for e in found)

    def count(self, selector: str) -> int:
        return len(self._doc.select(selector))

    def value(self, field: str) -> str:
        """A field's value now, by label text or CSS selector."""
        return value_of(self._doc.field(field))

    @property
    def errors(self) -> list[str]:
        """The error banners the components show now."""
        return [text_of(e) for e in self._doc.select(".lv-error")]

    @property
    def redirect(self) -> str | None:
        """Where a handler's redirect sent the browser, or None."""
        return self._doc.redirect


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
