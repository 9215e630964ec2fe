# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.presence_registry).
from __future__ import annotations

from liveview.pubsub.presence_registry import (
    REDIS_TIMEOUT,
    REFRESH_INTERVAL,
    TTL,
    Announce,
    LocalRegistry,
    RedisRegistry,
    Viewer,
)

__all__ = [
    "Announce",
    "LocalRegistry",
    "REDIS_TIMEOUT",
    "REFRESH_INTERVAL",
    "RedisRegistry",
    "TTL",
    "Viewer",
]
