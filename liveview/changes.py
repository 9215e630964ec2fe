# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.changes).
from __future__ import annotations

from liveview.runtime.changes import (
    apply_changes,
    catch_up,
    defer,
)

__all__ = [
    "apply_changes",
    "catch_up",
    "defer",
]
