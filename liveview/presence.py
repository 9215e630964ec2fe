# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.presence).
from __future__ import annotations

from liveview.pubsub.presence import (
    PREFIX,
    Presence,
    PresenceError,
    Registry,
    Viewing,
    announce,
    follow,
    is_presence,
    leave,
    presence_of,
    presence_ttl,
    present,
    registry,
    reload_before_delivery,
    tracked,
    viewer_of,
)

__all__ = [
    "PREFIX",
    "Presence",
    "PresenceError",
    "Registry",
    "Viewing",
    "announce",
    "follow",
    "is_presence",
    "leave",
    "presence_of",
    "presence_ttl",
    "present",
    "registry",
    "reload_before_delivery",
    "tracked",
    "viewer_of",
]
