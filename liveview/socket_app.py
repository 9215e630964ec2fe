# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.socket_app).
from __future__ import annotations

from liveview.socket.socket_app import (
    LiveSocketApplication,
)

__all__ = [
    "LiveSocketApplication",
]
