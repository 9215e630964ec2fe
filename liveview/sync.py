# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.sync).
from __future__ import annotations

from liveview.batteries.sync import (
    Sync,
    decide,
)

__all__ = [
    "Sync",
    "decide",
]
