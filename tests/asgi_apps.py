"""ASGI applications the live-socket check tests point ASGI_APPLICATION at."""

from __future__ import annotations

from channels.generic.websocket import WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path

from liveview.socket.consumer import LiveConsumer
from liveview.socket.origin import OriginValidator


class OtherConsumer(WebsocketConsumer):  # type: ignore[misc]
    """Some websocket of the project's own that is not the live socket."""


# What `startproject` writes in asgi.py: Django over HTTP, no websockets at all.
plain_django = get_asgi_application()
without_live_route = ProtocolTypeRouter(
    {"websocket": OriginValidator(URLRouter([path("ws/chat/", OtherConsumer.as_asgi())]))}
)
live_route_nested = ProtocolTypeRouter(
    {
        "websocket": OriginValidator(
            URLRouter(
                [
                    path("ws/chat/", OtherConsumer.as_asgi()),
                    path("ws/", URLRouter([path("liveview/", LiveConsumer.as_asgi())])),
                ]
            )
        )
    }
)
