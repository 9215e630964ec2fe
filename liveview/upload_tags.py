# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.upload_tags).
from __future__ import annotations

from liveview.batteries.upload_tags import (
    upload_input,
)

__all__ = [
    "upload_input",
]
