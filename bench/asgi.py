"""The bench's ASGI app: Django over HTTP, liveview's socket and the raw baseline's socket,
the fan-out bench's board and control sockets (``bench/board.py``), the soak's control
socket (``bench/soak_app.py``) and the click→DOM bench's pages (``bench/click_dom_app.py``).

liveview's socket (and HTTP) is served by ``live_asgi_application()``, exactly as in a project's
asgi.py; the other sockets sit behind liveview's OriginValidator and channels'
AuthMiddlewareStack + URLRouter (the stack a plain Channels project uses). Per event, no socket
goes through routing or middleware again.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

# Static files served as the demo serves them (htmx and the glue, for bench/click_dom.py's pages).
http_application = ASGIStaticFilesHandler(get_asgi_application())

# Imported only after django.setup(): channels.auth needs the app registry.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench import payload_app  # noqa: E402, F401  (registers its component)
from bench.board import (  # noqa: E402
    BOARD_PATH,
    CONTROL_PATH,
    BoardConsumer,
    ControlConsumer,
)
from bench.click_dom_app import HAND_PATH, HandConsumer  # noqa: E402
from bench.raw import RAW_PATH, RawCounterConsumer  # noqa: E402
from bench.soak_app import SOAK_CONTROL_PATH, SoakControlConsumer  # noqa: E402
from bench.variants import (  # noqa: E402
    RAW_HOP_PATH,
    THREAD_PATH,
    RawHopConsumer,
    ThreadLiveConsumer,
)
from liveview.core import conf  # noqa: E402
from liveview.socket.origin import OriginValidator  # noqa: E402
from liveview.socket.routing import live_asgi_application  # noqa: E402

websocket_routes = [
    path(RAW_PATH.lstrip("/"), RawCounterConsumer.as_asgi()),
    # Diagnostics (bench/variants.py): the raw socket plus one hop; the counter in the thread.
    path(RAW_HOP_PATH.lstrip("/"), RawHopConsumer.as_asgi()),
    path(THREAD_PATH.lstrip("/"), ThreadLiveConsumer.as_asgi()),
    # bench/fanout.py: one set of sockets for liveview and both baselines, and the trigger.
    path(BOARD_PATH.lstrip("/"), BoardConsumer.as_asgi()),
    path(CONTROL_PATH.lstrip("/"), ControlConsumer.as_asgi()),
    # bench/click_dom.py: the hand-written htmx + Channels pages' socket.
    path(HAND_PATH.lstrip("/"), HandConsumer.as_asgi()),
    # bench/soak.py: its control socket (its pages use liveview's own socket above).
    path(SOAK_CONTROL_PATH.lstrip("/"), SoakControlConsumer.as_asgi()),
]

#: Exactly what a project's asgi.py serves (live_asgi_application): HTTP and liveview's socket.
live = live_asgi_application(http_application)
#: The bench's own sockets, behind channels' standard stack.
others = OriginValidator(AuthMiddlewareStack(URLRouter(websocket_routes)))


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"] != conf.websocket_path():
        await others(scope, receive, send)
    else:
        await live(scope, receive, send)
