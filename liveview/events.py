# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.events).
from __future__ import annotations

from liveview.authoring.events import (
    MAX_ERRORS,
    MAX_NAME,
    EventArgumentsError,
    EventHandler,
    event,
    is_event,
    wrapped_event,
)

__all__ = [
    "EventArgumentsError",
    "EventHandler",
    "MAX_ERRORS",
    "MAX_NAME",
    "event",
    "is_event",
    "wrapped_event",
]
