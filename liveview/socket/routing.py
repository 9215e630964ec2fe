# The one helper a project's asgi.py calls: HTTP to Django, the live socket to LiveConsumer.
from __future__ import annotations

from typing import Any

from channels.routing import ProtocolTypeRouter
from django.urls import URLPattern, path

from liveview.core import conf
from liveview.socket.lifespan import Lifespan
from liveview.socket.origin import OriginValidator


def websocket_urlpatterns() -> list[URLPattern]:
    """The live socket's route, for projects that build their own websocket router."""
    from liveview.socket.consumer import LiveConsumer

    return [path(conf.websocket_path().lstrip("/"), LiveConsumer.as_asgi())]


def live_asgi_application(http_application: Any | None = None) -> ProtocolTypeRouter:
    """An ASGI app serving Django over HTTP and the live socket, origin-checked, with auth.

    The socket is refused unless its Origin is allowed (``liveview.origin.OriginValidator``).

    Call it in asgi.py after ``django.setup()`` (``get_asgi_application()`` does that).
    """
    if http_application is None:
        from django.core.asgi import get_asgi_application

        http_application = get_asgi_application()
    # Imported only now: channels.auth needs the app registry that get_asgi_application() loads.
    from liveview.socket.socket_app import LiveSocketApplication

    # LiveSocketApplication is AuthMiddlewareStack(URLRouter(websocket_urlpatterns())) in one
    # layer (less memory per open socket); projects composing their own stack use those.
    websocket = OriginValidator(LiveSocketApplication())
    # "lifespan" opens this loop's hub at the server's startup and closes it at shutdown.
    return ProtocolTypeRouter(
        {"http": http_application, "websocket": websocket, "lifespan": Lifespan()}
    )
