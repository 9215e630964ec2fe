# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.upload_form).
from __future__ import annotations

from liveview.batteries.upload_form import (
    LiveUploadForm,
)

__all__ = [
    "LiveUploadForm",
]
