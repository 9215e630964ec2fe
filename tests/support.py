"""Opening live sockets in tests: a signed page token, the browser's cookies and headers."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator

from liveview.routing import live_asgi_application
from liveview.token import Binding, ComponentSpec, PageToken

#: The browser's CSRF secret (the `csrftoken` cookie) the tokens below are bound to.
SECRET = "a" * 32
#: Where the page was served from, and so the socket's own origin.
HOST = b"127.0.0.1:8000"
ORIGIN = b"http://127.0.0.1:8000"
application = live_asgi_application()

Spec = tuple[str, str, dict[str, Any]]


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
) -> WebsocketCommunicator:
    path = "/ws/liveview/" + (f"?t={signed}" if signed is not None else "")
    cookie = f"csrftoken={cookie_secret}" + (f"; sessionid={session}" if session else "")
    headers = [(b"host", host), (b"cookie", cookie.encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    return WebsocketCommunicator(_served_as(scheme), path, headers=headers)


def _served_as(scheme: str) -> Any:
    """The app as a server presents it: WebsocketCommunicator's scope has no `scheme`."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await application({**scope, "scheme": scheme}, receive, send)

    return app


async def connect(*specs: Spec) -> tuple[WebsocketCommunicator, str]:
    comm = communicator(token(*specs))
    connected, _ = await comm.connect()
    assert connected
    return comm, await comm.receive_from()


async def closed_with(comm: WebsocketCommunicator) -> int:
    message = await comm.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    code: int = message["code"]
    return code
