# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.resources).
from __future__ import annotations

from liveview.pubsub.resources import (
    NO_TOPICS,
    USERS,
    LiveResource,
    Method,
    ResourceChanged,
    StaleResource,
    Subscription,
    connect_signals,
    delete_if_match,
    new_etag,
    reload,
    save_if_match,
    topics_of,
    touch,
    uri_of,
)

__all__ = [
    "LiveResource",
    "Method",
    "NO_TOPICS",
    "ResourceChanged",
    "StaleResource",
    "Subscription",
    "USERS",
    "connect_signals",
    "delete_if_match",
    "new_etag",
    "reload",
    "save_if_match",
    "topics_of",
    "touch",
    "uri_of",
]
