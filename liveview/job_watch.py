# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.job_watch).
from __future__ import annotations

from liveview.batteries.job_watch import (
    IDLE_POLLS,
    MAX_BACKOFF,
    topic_joined,
    watch,
    watched_uris,
)

__all__ = [
    "IDLE_POLLS",
    "MAX_BACKOFF",
    "topic_joined",
    "watch",
    "watched_uris",
]
