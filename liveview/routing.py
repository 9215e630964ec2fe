# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.routing).
from __future__ import annotations

from liveview.socket.routing import (
    live_asgi_application,
    websocket_urlpatterns,
)

__all__ = [
    "live_asgi_application",
    "websocket_urlpatterns",
]
