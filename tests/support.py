"""Opening live sockets in tests: a signed page token, the browser's cookies and headers."""

from __future__ import annotations

import json
import re
from typing import Any

from channels.testing import WebsocketCommunicator
from django.http import HttpRequest
from django.middleware.csrf import get_token

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


_EPOCH = re.compile(r'<div id="lv-epoch" hidden data-v="([^"]*)"[^>]*></div>')


class LiveCommunicator(WebsocketCommunicator):  # type: ignore[misc]
    """A socket as the glue drives it: every event it sends carries the connection's epoch,
    learnt from the frames it received (`stamp=False` sends a frame as given)."""

    epoch = ""

    async def receive_from(self, timeout: float = 1) -> Any:
        """The next frame, without the epoch element a connect's frame ends with."""
        frame = await super().receive_from(timeout)
        found = _EPOCH.search(frame) if isinstance(frame, str) else None
        if found:
            self.epoch = found.group(1)
            frame = frame[: found.start()] + frame[found.end() :]
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
    if not isinstance(data, dict) or "lv_v" in data:
        return text
    return json.dumps({**data, "lv_v": epoch})


def csrf_token_for(secret: str) -> str:
    """A masked CSRF token for `secret`, as a page rendered for that browser carries it."""
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = secret
    return get_token(request)


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
    return LiveCommunicator(_served_as(scheme), path, headers=headers)


def _served_as(scheme: str) -> Any:
    """The app as a server presents it: WebsocketCommunicator's scope has no `scheme`."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await application(
            {**scope, "scheme": scheme, "client": ["127.0.0.1", 50000]}, receive, send
        )

    return app


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


def saved_session(user: Any = None) -> str:
    """The key of a saved session: anonymous, or logged in as `user` as `auth.login` makes it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    assert store.session_key is not None
    return store.session_key
