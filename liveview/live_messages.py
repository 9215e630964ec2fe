# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.live_messages).
from __future__ import annotations

from liveview.batteries.live_messages import (
    LiveMessages,
)

__all__ = [
    "LiveMessages",
]
