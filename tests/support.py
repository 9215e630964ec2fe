"""Opening live sockets in tests: a signed page token, the browser's cookies and headers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from channels.testing import WebsocketCommunicator

from liveview.core.frame_bytes import frame_sizes
from liveview.core.token import Binding, ComponentSpec, PageToken
from liveview.socket.routing import live_asgi_application
from liveview.testing.dom import Document
from liveview.testing.sessions import saved_session
from liveview.testing.socket import LiveCommunicator, Served, csrf_token_for

__all__ = [
    "LiveCommunicator",
    "closed_with",
    "communicator",
    "connect",
    "csrf_token_for",
    "saved_session",
    "token",
]

#: The browser's CSRF secret (the `csrftoken` cookie) the tokens below are bound to.
SECRET = "a" * 32
#: Where the page was served from, and so the socket's own origin.
HOST = b"127.0.0.1:8000"
ORIGIN = b"http://127.0.0.1:8000"
application = live_asgi_application()

Spec = tuple[str, str, dict[str, Any]]
#: What a test does on the server's loop between the lifespan's startup and its shutdown.
During = Callable[[], Awaitable[None]]


async def serve(during: During) -> list[str]:
    """Run the project's ASGI app through a lifespan scope with `during` awaited between its
    startup and its shutdown: the answers' types."""
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    answers: list[str] = []

    async def send(message: dict[str, Any]) -> None:
        answers.append(message["type"])
        if message["type"] == "lifespan.startup.complete":
            await during()
            incoming.put_nowait({"type": "lifespan.shutdown"})

    incoming.put_nowait({"type": "lifespan.startup"})
    await application({"type": "lifespan", "asgi": {"version": "3.0"}}, incoming.get, send)
    return answers


def token(
    *specs: Spec, secret: str = SECRET, user_pk: object | None = None, session: str | None = None
) -> str:
    components = tuple(ComponentSpec(*s) for s in specs)
    return PageToken.new(components, Binding.of(user_pk, session, secret)).sign()


def communicator(
    signed: str | None,
    cookie_secret: str = SECRET,
    *,
    origin: bytes | None = ORIGIN,
    session: str | None = None,
    host: bytes = HOST,
    scheme: str = "ws",
    csrf: str | None = None,
) -> LiveCommunicator:
    csrf = csrf_token_for(cookie_secret) if csrf is None else csrf
    query = (f"t={signed}&" if signed is not None else "") + f"csrf={csrf}"
    path = "/ws/liveview/?" + query
    cookie = f"csrftoken={cookie_secret}" + (f"; sessionid={session}" if session else "")
    headers = [(b"host", host), (b"cookie", cookie.encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    return LiveCommunicator(Served(application, scheme), path, headers=headers)


async def connect(*specs: Spec) -> tuple[LiveCommunicator, str]:
    comm = communicator(token(*specs))
    connected, _ = await comm.connect()
    assert connected
    return comm, await comm.receive_from()


async def closed_with(comm: WebsocketCommunicator) -> int:
    message = await comm.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    code: int = message["code"]
    return code


def sent_to(frame: str) -> list[str]:
    """The DOM ids of the components `frame` updates, whole or by partial swaps, in order."""
    return [cid for cid, _ in frame_sizes(frame)[1]]


def shown(first: str, *frames: str, cid: str = "lv-1") -> str:
    """Component `cid` as the browser shows it: the connect's `first` frame, then `frames`
    applied as htmx applies them (whole components and partial swaps alike)."""
    page = Document(first)
    for frame in frames:
        page.apply(frame)
    return str(page.one(f"#{cid}"))


async def next_shown(comm: WebsocketCommunicator, page: Document, cid: str = "lv-1") -> str:
    """Component `cid` of `page` once the socket's next frame is applied to it."""
    page.apply(await comm.receive_from())
    return str(page.one(f"#{cid}"))
