# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.progress).
from __future__ import annotations

from liveview.batteries.progress import (
    STATUS_TEXT,
    JobProgress,
    Progress,
)

__all__ = [
    "JobProgress",
    "Progress",
    "STATUS_TEXT",
]
