# Moved: this path stays so that existing imports keep working
# (the module is liveview.http.middleware).
from __future__ import annotations

from liveview.http.middleware import (
    NOTICE_CLASS,
    GetResponse,
    ScriptsCheckMiddleware,
    check_scripts,
)

__all__ = [
    "GetResponse",
    "NOTICE_CLASS",
    "ScriptsCheckMiddleware",
    "check_scripts",
]
