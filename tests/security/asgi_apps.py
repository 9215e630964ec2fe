"""ASGI applications the system-check tests point ASGI_APPLICATION at."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

from liveview.socket.routing import live_asgi_application, websocket_urlpatterns

guarded = live_asgi_application()
guarded_by_channels = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        )
    }
)
unguarded = ProtocolTypeRouter(
    {"websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))}
)
http_only = ProtocolTypeRouter({"http": guarded.application_mapping["http"]})


class Outer:
    """Some middleware around the whole application (error reporting, say)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


unguarded_inside_middleware = Outer(unguarded)
guarded_inside_middleware = Outer(guarded)
