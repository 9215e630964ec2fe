# The live socket's ASGI layer: what channels' CookieMiddleware, SessionMiddleware,
# AuthMiddleware and URLRouter add to the scope, done in one copy and one coroutine frame.
from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.auth import get_user
from django.conf import settings
from django.http import parse_cookie

from liveview.core import conf
from liveview.socket.origin import Scope


class LiveSocketApplication:
    """Serves the live socket at ``conf.websocket_path()``: adds ``cookies``, ``session`` and
    ``user`` to the scope, as ``AuthMiddlewareStack`` does, then runs ``LiveConsumer``.

    Each channels middleware copies the scope and keeps its copy (and its coroutine frame)
    alive for as long as the socket is open; one layer instead of four keeps one: about
    3 KB less per idle connection (bench/memory.py). Behind it the socket behaves the same:
    a websocket session is never saved (channels saves only on ``http.response.start``).
    """

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        from liveview.socket.consumer import LiveConsumer

        if scope["type"] != "websocket":
            raise ValueError("liveview's LiveSocketApplication serves websocket connections")
        if _route(scope) != conf.websocket_path().lstrip("/"):
            raise ValueError(f"No route found for path {scope.get('path')!r}.")
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookies = parse_cookie(value.decode("latin1"))
                break
        store = import_module(settings.SESSION_ENGINE).SessionStore
        session = store(cookies.get(settings.SESSION_COOKIE_NAME))  # loads on first use
        scope = dict(scope, cookies=cookies, session=session)
        scope["user"] = await get_user(scope)
        await LiveConsumer()(scope, receive, send)


def _route(scope: Scope) -> str | None:
    """The path as channels' outermost URLRouter matches it: below root_path, no leading /."""
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    if root:
        if not path.startswith(root):
            return None
        path = path[len(root) :]
    return path.lstrip("/")
