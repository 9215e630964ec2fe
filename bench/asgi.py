"""The bench's ASGI app: Django over HTTP, liveview's socket and the raw baseline's socket,
the fan-out bench's board and control sockets (``bench/board.py``) and the soak's control
socket (``bench/soak_app.py``).

Both sockets sit behind the same liveview OriginValidator + AuthMiddlewareStack +
URLRouter, so per-connection middleware costs the same for both; per event, neither goes
through routing or middleware again.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

http_application = get_asgi_application()

# Imported only after django.setup(): channels.auth needs the app registry.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench import payload_app  # noqa: E402, F401  (registers its component)
from bench.board import (  # noqa: E402
    BOARD_PATH,
    CONTROL_PATH,
    BoardConsumer,
    ControlConsumer,
)
from bench.raw import RAW_PATH, RawCounterConsumer  # noqa: E402
from bench.soak_app import SOAK_CONTROL_PATH, SoakControlConsumer  # noqa: E402
from bench.variants import (  # noqa: E402
    INLINE_PATH,
    RAW_HOP_PATH,
    InlineLiveConsumer,
    RawHopConsumer,
)
from liveview.origin import OriginValidator  # noqa: E402
from liveview.routing import websocket_urlpatterns  # noqa: E402

websocket_routes = [
    *websocket_urlpatterns(),
    path(RAW_PATH.lstrip("/"), RawCounterConsumer.as_asgi()),
    # Diagnostics for --variants only (bench/variants.py).
    path(RAW_HOP_PATH.lstrip("/"), RawHopConsumer.as_asgi()),
    path(INLINE_PATH.lstrip("/"), InlineLiveConsumer.as_asgi()),
    # bench/fanout.py: one set of sockets for liveview and both baselines, and the trigger.
    path(BOARD_PATH.lstrip("/"), BoardConsumer.as_asgi()),
    path(CONTROL_PATH.lstrip("/"), ControlConsumer.as_asgi()),
    # bench/soak.py: its control socket (its pages use liveview's own socket above).
    path(SOAK_CONTROL_PATH.lstrip("/"), SoakControlConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_routes))),
    }
)
