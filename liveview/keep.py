# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.keep).
from __future__ import annotations

from liveview.authoring.keep import (
    KeptStateError,
    Mounted,
    annotation_of,
    apply_kept,
    kept_values,
    same,
    snapshot,
    user_changes,
)

__all__ = [
    "KeptStateError",
    "Mounted",
    "annotation_of",
    "apply_kept",
    "kept_values",
    "same",
    "snapshot",
    "user_changes",
]
