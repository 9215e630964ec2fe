# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.outbox).
from __future__ import annotations

from liveview.socket.outbox import (
    BACKLOG_LIMIT,
    Outbox,
)

__all__ = [
    "BACKLOG_LIMIT",
    "Outbox",
]
