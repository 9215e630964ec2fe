# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.hub).
from __future__ import annotations

from liveview.pubsub.hub import (
    HEARTBEAT_INTERVAL,
    HEARTBEAT_TIMEOUT,
    HEARTBEAT_TYPE,
    PROBE_INTERVAL,
    Deliver,
    Hub,
    Subscriber,
    all_hubs,
    existing_hub,
    publish_failed,
    reload_change,
)

__all__ = [
    "Deliver",
    "HEARTBEAT_INTERVAL",
    "HEARTBEAT_TIMEOUT",
    "HEARTBEAT_TYPE",
    "Hub",
    "PROBE_INTERVAL",
    "Subscriber",
    "all_hubs",
    "existing_hub",
    "publish_failed",
    "reload_change",
]
