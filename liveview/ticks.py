# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.ticks).
from __future__ import annotations

from liveview.runtime.ticks import (
    interval,
    start,
    stop,
    tick,
)

__all__ = [
    "interval",
    "start",
    "stop",
    "tick",
]
