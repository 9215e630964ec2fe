# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.page).
from __future__ import annotations

from liveview.runtime.page import (
    Handle,
    Page,
    in_sync_thread,
)

__all__ = [
    "Handle",
    "Page",
    "in_sync_thread",
]
