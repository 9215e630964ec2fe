# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.origin).
from __future__ import annotations

from liveview.socket.origin import (
    Origin,
    OriginValidator,
    Receive,
    Scope,
    Send,
    allowed_origins,
    origin_allowed,
)

__all__ = [
    "Origin",
    "OriginValidator",
    "Receive",
    "Scope",
    "Send",
    "allowed_origins",
    "origin_allowed",
]
