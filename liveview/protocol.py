# Moved: this path stays so that existing imports keep working
# (the module is liveview.socket.protocol).
from __future__ import annotations

from liveview.socket.protocol import (
    MAX_DEPTH,
    ONLY_KEY,
    SEQ_KEY,
    VERSION_KEY,
    CloseCode,
    EventMessage,
    ProtocolError,
    parse_event,
)

__all__ = [
    "CloseCode",
    "EventMessage",
    "MAX_DEPTH",
    "ONLY_KEY",
    "ProtocolError",
    "SEQ_KEY",
    "VERSION_KEY",
    "parse_event",
]
