# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.limits).
from __future__ import annotations

from liveview.socket.limits import (
    ConnectionCounts,
    EventRate,
    connections,
)

__all__ = [
    "ConnectionCounts",
    "EventRate",
    "connections",
]
