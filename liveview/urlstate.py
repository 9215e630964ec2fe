# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.urlstate).
from __future__ import annotations

from liveview.authoring.urlstate import (
    MAX_URL,
    URL_EVENT,
    URL_ID,
    HistoryMode,
    UnsafeUrl,
    banner,
    captured,
    check_url_state,
    element,
    encode,
    joined,
    page_url,
    read,
    same_origin,
    url_of,
)

__all__ = [
    "HistoryMode",
    "MAX_URL",
    "URL_EVENT",
    "URL_ID",
    "UnsafeUrl",
    "banner",
    "captured",
    "check_url_state",
    "element",
    "encode",
    "joined",
    "page_url",
    "read",
    "same_origin",
    "url_of",
]
