# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.editor).
from __future__ import annotations

from liveview.batteries.editor import (
    BASE_ETAG,
    DEFAULT_PERMISSION,
    THEIR_ETAG,
    VERSIONS_KEPT,
    Action,
    ResourceEditor,
)

__all__ = [
    "Action",
    "BASE_ETAG",
    "DEFAULT_PERMISSION",
    "ResourceEditor",
    "THEIR_ETAG",
    "VERSIONS_KEPT",
]
