# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.upload_views).
from __future__ import annotations

from liveview.batteries.upload_views import (
    FILE_FIELD,
    limit_uploads,
    upload,
    uploads_valid,
)

__all__ = [
    "FILE_FIELD",
    "limit_uploads",
    "upload",
    "uploads_valid",
]
