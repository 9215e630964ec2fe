# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.consumer).
from __future__ import annotations

from liveview.socket.consumer import (
    STALE,
    LiveConsumer,
    close_all,
    open_count,
    open_pages,
)

__all__ = [
    "LiveConsumer",
    "STALE",
    "close_all",
    "open_count",
    "open_pages",
]
