# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.uploads).
from __future__ import annotations

from liveview.batteries.uploads import (
    ENTRY_SALT,
    MAX_NAME,
    TEMP_DIR,
    URL_SALT,
    TempUpload,
    Ticket,
    Upload,
    UploadRefused,
    human_size,
    page_id,
    safe_name,
    sniff,
    storage,
    store,
    sweep,
    upload_url,
)

__all__ = [
    "ENTRY_SALT",
    "MAX_NAME",
    "TEMP_DIR",
    "TempUpload",
    "Ticket",
    "URL_SALT",
    "Upload",
    "UploadRefused",
    "human_size",
    "page_id",
    "safe_name",
    "sniff",
    "storage",
    "store",
    "sweep",
    "upload_url",
]
