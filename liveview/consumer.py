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
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_SESSION_KEY,
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    get_token,
)

from liveview import conf, metrics, presence, ticks
from liveview.authz import AccessDenied, access_changed_for, control_topics, split_control
from liveview.component import UnknownComponent
from liveview.fanout import frames_for
from liveview.hub import Hub, hub
from liveview.limits import EventRate, connections
from liveview.outbox import Outbox
from liveview.page import Page, in_sync_thread
from liveview.protocol import CloseCode, ProtocolError, parse_event
from liveview.render import epoch_element
from liveview.resources import NO_TOPICS, ResourceChanged
from liveview.token import Binding, PageToken, TokenError
from liveview.urlstate import page_url

logger = logging.getLogger("liveview")

# Every open live connection of this process.
_open: weakref.WeakSet[LiveConsumer] = weakref.WeakSet()


class LiveConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    # No layer channel of its own: the process's hub receives every change and hands it over.
    # (Channels would otherwise open one per socket, and a receive task; on Redis, a
    # subscription each.) An alias that names no layer makes `channel_layer` None.
    channel_layer_alias = "liveview.no-layer"
    page: Page | None = None
    origin: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Held while an event runs and while a broadcast renders this page: never both at once.
        self.lock = asyncio.Lock()
        self.deferred: list[ResourceChanged] = []
        self.hub: Hub | None = None
        self.rate = EventRate.from_settings()
        self.outbox = Outbox(self._send_frame, self._too_slow, self._sent)
        self.counted: tuple[object | None, str | None] | None = None
        #: The per-user topics this socket follows besides its page's (see liveview.authz).
        self.control_topics: frozenset[str] = NO_TOPICS
        #: When the socket was admitted (metrics.connection_opened); None before and after.
        self.opened: float | None = None
        self.ticker: asyncio.Task[None] | None = None
        # Set here, not first in `connect`: an attribute added once the instance dict is full
        # makes CPython grow it (measured: 0.8 KB per socket with tracemalloc).
        self.page = None
        self.origin = ""

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
        csrf_secret = _csrf_secret(self.scope)
        if not _csrf_ok((query.get("csrf") or [""])[0], csrf_secret):
            logger.info("liveview: refused socket: no valid CSRF token")
            await self.close(code=CloseCode.CSRF_FAILED)
            return
        if not token.binding.admits(_binding(self.scope, csrf_secret)):
            logger.info("liveview: refused socket: token bound to another session or user")
            await self.close(code=CloseCode.TOKEN_FORBIDDEN)
            return
        user = self.scope.get("user")
        counted = (user.pk if user is not None and user.is_authenticated else None, _ip(self.scope))
        if not connections.admit(*counted):
            logger.warning("liveview: refused socket: too many for user %s / ip %s", *counted)
            await self.close(code=CloseCode.TOO_MANY_CONNECTIONS)
            return
        self.counted = counted
        self.opened = metrics.connection_opened(len(token.components), counted[0])
        page = Page(
            user=self.scope.get("user"),
            csrf_token=_masked(csrf_secret),
            connected=True,
            host=_host(self.scope),
            secure=self.scope.get("scheme") == "wss",
            url=page_url((query.get("u") or [None])[0]),
        )
        self.hub = hub(_deliver)
        seen = self.hub.seq if self.hub is not None else 0  # changes the mount below will see
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
        self.control_topics = control_topics(self.scope)
        page.topics_changed = page.topics_changed or bool(self.control_topics)
        self.page = page
        self.origin = page.key
        _open.add(self)
        # The epoch: events made before this render arrived are stale (see `receive`).
        frame += epoch_element(page.key)
        metrics.frame_sent(page, frame, metrics.CONNECT)
        await self.send(text_data=frame)
        if any(c._lv_lazy for c in page.components.values()):  # after the page is live
            async with self.lock:
                lazy = await in_sync_thread(page.mount_lazy)()
            self.outbox.push(lazy, metrics.CONNECT)
        joined = await self._follow_topics()
        await self._catch_up(seen, joined)
        ticks.start(self)

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
        async with self.lock:
            cause = metrics.event_cause(page.components.get(message.component), message.event)
            if message.version != page.key:
                # Made against an older render (queued while the socket was down and
                # replayed by htmx on reconnect): refused, so nothing happens twice.
                frame = await in_sync_thread(page.refuse)(message.component, STALE)
            else:
                started, cid = perf_counter(), message.component
                frame = await page.dispatch_async(cid, message.event, message.values)
                token = page.renewed_token()  # kept state (a table's sort) changed
                if message.seq is not None or token is not None:  # seq: the glue's input
                    ack = epoch_element(page.key, ack=message.seq, token=token)  # is ours now
                    frame = (frame or "") + ack
                metrics.event_handled(page.components.get(cid), message.event, started, frame)
            if frame:
                self.outbox.push(frame, cause)  # in order with broadcasts; never waits
            if self.deferred:
                deferred, self.deferred = self.deferred, []
                frame = await in_sync_thread(page.changed)(deferred)
                if frame:
                    self.outbox.push(frame, metrics.BROADCAST)
        await self._follow_topics()
        ticks.start(self)  # a component this event mounted may tick

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        # At once: the caps and `open_count` count open sockets, not closing ones.
        _open.discard(self)
        self._release()
        await super().close(code=code, reason=reason)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        self.outbox.cancel()
        ticks.stop(self)
        await presence.leave(self)
        if self.opened is not None:
            metrics.connection_closed(code, self.opened)
            self.opened = None
        self._release()
        self.page = None
        current, self.hub = self.hub, None  # once: `__call__` runs this again on its way out
        if current is not None:
            await current.leave(self)

    async def _send_frame(self, frame: str) -> None:
        await self.send(text_data=frame)

    def _sent(self, frame: str, cause: metrics.Cause) -> None:
        if self.page is not None:
            metrics.frame_sent(self.page, frame, cause)

    async def _too_slow(self) -> None:
        await self.close(code=CloseCode.TRY_AGAIN_LATER)

    def _release(self) -> None:
        if self.counted is not None:
            connections.release(*self.counted)
            self.counted = None

    async def _catch_up(self, seen: int, joined: set[str]) -> None:
        """After subscribing: apply what changed between the mount's reads and the subscription.

        Changes the hub received meanwhile are in its log. For a topic this process only now
        joined, a change may have come and gone unseen: its components reload once.
        """
        page, current = self.page, self.hub
        if page is None or current is None:
            return
        topics = page.topics()
        missed = current.changes_since(seen, topics)
        if missed is None:
            joined = set(topics)  # the log no longer reaches back: reload everything shown
            missed = []
        missed += [ResourceChanged("PUT", topic, topic, None) for topic in sorted(joined)]
        if not missed:
            return
        async with self.lock:
            frame = await in_sync_thread(page.changed)(missed)
            if frame:
                self.outbox.push(frame, metrics.BROADCAST)

    async def _follow_topics(self) -> set[str]:
        """Keep this socket subscribed to exactly what its page shows; the topics joined."""
        page = self.page
        if page is None or not page.topics_changed:
            return set()
        page.topics_changed = False
        if self.hub is None:
            self.hub = hub(_deliver)
            if self.hub is None:
                return set()
        joined = await self.hub.set_topics(self, page.topics() | self.control_topics)
        await presence.follow(self)  # after subscribing: its own join announcement reaches it
        return joined

    async def access_changed(self, changes: list[ResourceChanged]) -> None:
        """The user logged out, or their permissions changed: close if the page is not theirs."""
        if self.page is None or await access_changed_for(self.scope, self.page, changes):
            return
        logger.info("liveview: closing socket: the user's access to the page was revoked")
        self.page = None
        _open.discard(self)
        await self.close(code=CloseCode.ACCESS_REVOKED)


async def _deliver(targets: dict[Any, list[ResourceChanged]]) -> None:
    """The hub's delivery: render every free page in one thread hop, then write the frames."""
    control, targets = split_control(targets)
    if control:  # a user's access changed: before anything is rendered for them
        await asyncio.gather(*(c.access_changed(ch) for c, ch in control.items()))
    ready: dict[LiveConsumer, list[ResourceChanged]] = {}
    for consumer, changes in targets.items():
        if consumer.page is None:
            continue
        if consumer.lock.locked():
            consumer.deferred.extend(changes)  # applied when its event's turn ends
            continue
        await consumer.lock.acquire()  # free: returns at once, without yielding
        ready[consumer] = changes
    try:
        frames = await in_sync_thread(frames_for)(ready) if ready else {}
        for consumer, frame in frames.items():
            if frame and consumer.page is not None:
                consumer.outbox.push(frame, metrics.BROADCAST)  # never waits on a slow reader
    finally:
        for consumer in ready:
            consumer.lock.release()
    for consumer in ready:
        await consumer._follow_topics()
        ticks.start(consumer)  # a timer its components set on the change


#: Closed without a close frame (RFC 6455's 1006, never sent): the client went away mid-turn.
_ABNORMAL_CLOSURE = 1006

STALE = "This page was reconnecting, so that action was not applied. Please try again."


def _too_big(text: str | None, data: bytes | None) -> bool:
    limit = conf.max_frame_bytes()
    if data is not None:
        return len(data) > limit
    # A character is at most 4 bytes in UTF-8: encode only when the length alone can't tell.
    return text is not None and len(text) * 4 > limit and len(text.encode()) > limit


def _csrf_ok(token: str, secret: str | None) -> bool:
    """The socket URL carries the page's CSRF token; it must match the browser's secret."""
    if not token or not secret:
        return False
    # Django's own check, as CsrfViewMiddleware runs it on a form's token (private helpers).
    try:
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    return bool(_does_token_match(token, secret))


def _ip(scope: dict[str, Any]) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


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


def _host(scope: dict[str, Any]) -> str:
    hosts = [v for k, v in scope.get("headers", ()) if k.lower() == b"host"]
    return hosts[0].decode("latin-1") if len(hosts) == 1 else ""


def _csrf_secret(scope: dict[str, Any]) -> str | None:
    if getattr(settings, "CSRF_USE_SESSIONS", False):
        session = scope.get("session")
        return session.get(CSRF_SESSION_KEY) if session is not None else None
    cookies = scope.get("cookies") or {}
    secret = cookies.get(settings.CSRF_COOKIE_NAME)
    return secret if isinstance(secret, str) else None


def _binding(scope: dict[str, Any], csrf_secret: str | None) -> Binding:
    user = scope.get("user")
    user_pk = user.pk if user is not None and user.is_authenticated else None
    session = scope.get("session")
    return Binding.of(user_pk, session.session_key if session is not None else None, csrf_secret)


def _masked(csrf_secret: str | None) -> str | None:
    """A CSRF token for `{% csrf_token %}` in re-renders, from the browser's own secret."""
    if not csrf_secret:
        return None
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = csrf_secret
    return get_token(request)
