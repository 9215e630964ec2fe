# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.rest).
from __future__ import annotations

from liveview.batteries.rest import (
    MAX_OFFSET,
    SAFE_METHODS,
    Handler,
    ResourceAPI,
    error,
)

__all__ = [
    "Handler",
    "MAX_OFFSET",
    "ResourceAPI",
    "SAFE_METHODS",
    "error",
]
