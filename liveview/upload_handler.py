# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.upload_handler).
from __future__ import annotations

from liveview.batteries.upload_handler import (
    SNIFF_BYTES,
    LimitedUploadHandler,
)

__all__ = [
    "LimitedUploadHandler",
    "SNIFF_BYTES",
]
