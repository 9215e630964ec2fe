# The one websocket of a page: verifies the token, mounts exactly the components it lists,
# sends a full render on every (re)connect, then runs events one at a time.
from __future__ import annotations

import asyncio
import logging
import weakref
from time import perf_counter
from typing import Any
from urllib.parse import parse_qs

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from liveview.authoring.authz import AccessDenied, access_changed_for, control_topics, split_control
from liveview.authoring.component import UnknownComponent
from liveview.authoring.urlstate import page_url
from liveview.core import conf, metrics
from liveview.core.frame_bytes import frame_sent
from liveview.core.token import PageToken, TokenError
from liveview.pubsub import presence
from liveview.pubsub.resources import ResourceChanged
from liveview.pubsub.subscriptions import Mark
from liveview.runtime import rollback, ticks, turn
from liveview.runtime.page import Page, in_sync_thread
from liveview.runtime.render import acknowledgement, epoch_element
from liveview.socket import handshake, limits
from liveview.socket.limits import EventRate
from liveview.socket.outbox import Outbox
from liveview.socket.protocol import CloseCode, ProtocolError, parse_event

logger = logging.getLogger("liveview")

# Every open live connection of this process.
_open: weakref.WeakSet[LiveConsumer] = weakref.WeakSet()


class LiveConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    # No layer channel of its own: the process's hub receives every change and hands it over.
    # (Channels would otherwise open one per socket, and a receive task; on Redis, a
    # subscription each.) An alias that names no layer makes `channel_layer` None.
    channel_layer_alias = "liveview.no-layer"
    origin: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rate = EventRate.from_settings()
        self.outbox = Outbox(self._send_frame, self._too_slow, self._sent)
        #: Everything that changes the page goes through it: events, broadcasts, ticks, timers.
        self.turn = turn.Turn(self, self.outbox.push)
        self.counted: tuple[object | None, str | None] | None = None
        #: When the socket was admitted (metrics.connection_opened); None before and after.
        self.opened: float | None = None
        # Set here, not first in `connect`: an attribute added once the instance dict is full
        # makes CPython grow it (measured: 0.8 KB per socket with tracemalloc).
        self.origin = ""

    @property
    def page(self) -> Page | None:
        """The socket's page once mounted; None before, and once the socket let go of it."""
        return self.turn.page

    @page.setter
    def page(self, page: Page | None) -> None:
        self.turn.page = page

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Channels' loop (`await_many_dispatch`) wraps every `receive()` in a task and waits on
        # it with `asyncio.wait`, built for several sources; this socket has one (no layer
        # channel), so a plain loop does the same with no task, future or waiter held per idle
        # socket: 33.4 -> 30.0 KiB of RSS per connection (bench/memory.py --ws wsproto).
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        try:
            if self.channel_layer is not None:  # a subclass that wants a layer channel
                await super().__call__(scope, receive, send)
                return
            self.scope = scope
            self.base_send = send
            try:
                while True:
                    await self.dispatch(await receive())
            except StopConsumer:
                pass  # the socket closed: channels' clean exit
        finally:
            # Every way out gives back what the socket took: a client gone during the mount
            # (uvicorn raises ClientDisconnected from `send`) or any exception never reaches
            # `disconnect`, and its place in the connection caps would be lost for good.
            await self.disconnect(_ABNORMAL_CLOSURE)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale DB connections in a thread hop before every message; an event
        # does that inside its own hop (Page.dispatch_async), so a frame costs one hop, not two.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def connect(self) -> None:
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            token = PageToken.verify((query.get("t") or [""])[0])
        except TokenError as exc:
            logger.info("liveview: refused socket: %s", exc)
            await self.close(code=CloseCode.TOKEN_INVALID)
            return
        csrf_secret = handshake.csrf_secret(self.scope)
        if not handshake.csrf_ok((query.get("csrf") or [""])[0], csrf_secret):
            logger.info("liveview: refused socket: no valid CSRF token")
            await self.close(code=CloseCode.CSRF_FAILED)
            return
        if not token.binding.admits(handshake.binding(self.scope, csrf_secret)):
            logger.info("liveview: refused socket: token bound to another session or user")
            await self.close(code=CloseCode.TOKEN_FORBIDDEN)
            return
        user = self.scope.get("user")
        counted = (
            user.pk if user is not None and user.is_authenticated else None,
            handshake.client_ip(self.scope),
        )
        if not limits.connections().admit(*counted):
            logger.warning("liveview: refused socket: too many for user %s / ip %s", *counted)
            await self.close(code=CloseCode.TOO_MANY_CONNECTIONS)
            return
        self.counted = counted
        self.opened = metrics.connection_opened(len(token.components), counted[0])
        page = Page(
            user=self.scope.get("user"),
            csrf_token=handshake.masked_csrf_token(csrf_secret),
            connected=True,
            host=handshake.host(self.scope),
            secure=self.scope.get("scheme") == "wss",
            url=page_url((query.get("u") or [None])[0]),
        )
        current = self.turn.join_hub()
        seen = current.mark() if current is not None else Mark()  # what the mount will see
        try:
            frame = await in_sync_thread(_mount_and_render)(page, token)
        except UnknownComponent as exc:
            logger.warning("liveview: refused socket: %s", exc)
            await self.close(code=CloseCode.UNKNOWN_COMPONENT)
            return
        except AccessDenied as exc:
            logger.info("liveview: refused socket: %s", exc)
            await self.close(code=CloseCode.ACCESS_DENIED)
            return
        self.turn.control_topics = control_topics(self.scope)
        page.topics_changed = page.topics_changed or bool(self.turn.control_topics)
        self.page = page
        self.origin = page.key
        _open.add(self)
        # The epoch: events made before this render arrived are stale (see `receive`).
        frame += epoch_element(page.key)
        frame_sent(page, frame, metrics.CONNECT)
        await self.send(text_data=frame)
        if any(c._lv.lazy for c in page.components.values()):  # after the page is live
            async with self.turn.held(page, settle=False):
                lazy = await in_sync_thread(page.mount_lazy)()
            self.outbox.push(lazy, metrics.CONNECT)
        await self.turn.follow_topics()
        await self.turn.catch_up(seen)
        ticks.start(self.turn)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        page = self.page
        if page is None:
            return
        if _too_big(text_data, bytes_data):
            logger.info("liveview: closing socket on a frame over LIVEVIEW_MAX_FRAME_BYTES")
            await self.close(code=CloseCode.MESSAGE_TOO_BIG)
            return
        if not self.rate.allow():
            if self.rate.flooding:
                logger.warning("liveview: closing a socket flooding events")
                await self.close(code=CloseCode.POLICY_VIOLATION)
            return  # over the rate: dropped
        if text_data is None:
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        try:
            message = parse_event(text_data)
        except ProtocolError as exc:
            logger.info("liveview: closing socket on a bad frame: %s", exc)
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        async with self.turn.held(page):  # then: its topics followed, its timers armed
            cause = metrics.event_cause(page.components.get(message.component), message.event)
            started, cid = perf_counter(), message.component
            stale = message.version != page.key
            if stale:
                # Made against an older render (queued while the socket was down and
                # replayed by htmx on reconnect): refused, so nothing happens twice.
                frame = await in_sync_thread(page.refuse)(cid, STALE)
            else:
                frame = await page.dispatch_async(cid, message.event, message.values)
                token = page.renewed_token()  # kept state (a table's sort) changed
                if message.seq is not None or token is not None:  # seq: the glue's input
                    ack = acknowledgement(page.key, message.seq, token)  # is ours now
                    frame = (frame or "") + ack
            if frame:
                self.outbox.push(frame, cause)  # in order with broadcasts; never waits
            if not stale:  # counted once its frame is on its way (not in its latency)
                metrics.event_handled(page.components.get(cid), message.event, started, frame)
                rollback.after_event(page, cid, message.event)  # for the next event

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        # At once: the caps and `open_count` count open sockets, not closing ones.
        _open.discard(self)
        self._release()
        await super().close(code=code, reason=reason)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        self.outbox.cancel()
        self.turn.stop()
        await presence.leave(self)
        if self.opened is not None:
            metrics.connection_closed(code, self.opened)
            self.opened = None
        self._release()
        await self.turn.leave()  # once: `__call__` runs this again on its way out

    async def _send_frame(self, frame: str) -> None:
        await self.send(text_data=frame)

    def _sent(self, frame: str, cause: metrics.Cause) -> None:
        page = self.turn.page  # `self.page`, without the property's call (once per frame)
        if page is not None:
            frame_sent(page, frame, cause)

    async def _too_slow(self) -> None:
        await self.close(code=CloseCode.TRY_AGAIN_LATER)

    def _release(self) -> None:
        if self.counted is not None:
            limits.connections().release(*self.counted)
            self.counted = None

    async def access_changed(self, changes: list[ResourceChanged]) -> None:
        """The user logged out, or their permissions changed: close if the page is not theirs."""
        if self.page is None or await access_changed_for(self.scope, self.page, changes):
            return
        logger.info("liveview: closing socket: the user's access to the page was revoked")
        self.page = None
        _open.discard(self)
        await self.close(code=CloseCode.ACCESS_REVOKED)


async def deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
    """The hubs' delivery (installed by the app's ready()): sockets whose user's access
    changed first, then every page's turn."""
    control, targets = split_control(targets)
    if control:  # a user's access changed: before anything is rendered for them
        await asyncio.gather(*(c.access_changed(ch) for c, ch in control.items()))
    await turn.deliver({consumer.turn: changes for consumer, changes in targets.items()})


#: Closed without a close frame (RFC 6455's 1006, never sent): the client went away mid-turn.
_ABNORMAL_CLOSURE = 1006

STALE = "This page was reconnecting, so that action was not applied. Please try again."


def _too_big(text: str | None, data: bytes | None) -> bool:
    limit = conf.max_frame_bytes()
    if data is not None:
        return len(data) > limit
    # A character is at most 4 bytes in UTF-8: encode only when the length alone can't tell.
    return text is not None and len(text) * 4 > limit and len(text.encode()) > limit


def _mount_and_render(page: Page, token: PageToken) -> str:
    page.mount_token(token)
    return page.render_all()


async def close_all(code: int = CloseCode.RESYNC) -> int:
    """Close every live socket of this process; pages reconnect and re-render. Returns how many."""
    consumers = list(_open)
    for consumer in consumers:
        try:
            await consumer.close(code=code)
        except Exception:  # the client went away meanwhile: nothing left to ask
            logger.info("liveview: closing a socket that was already gone", exc_info=True)
    return len(consumers)


def open_count() -> int:
    return len(_open)


def open_pages() -> list[Page]:
    """The pages of this process's open sockets (for the inspector; callable from any thread)."""
    return [page for consumer in list(_open) if (page := consumer.page) is not None]
