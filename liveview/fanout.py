# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.fanout).
from __future__ import annotations

from liveview.runtime.fanout import (
    ShareKey,
    frames_for,
    render_batch,
    share_key,
)

__all__ = [
    "ShareKey",
    "frames_for",
    "render_batch",
    "share_key",
]
