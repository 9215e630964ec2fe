# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.flash).
from __future__ import annotations

from liveview.http.messages_tag import render_messages
from liveview.runtime.flash import (
    HOP_MAX_AGE,
    MAX_SHOWN,
    NAME,
    NOTICE,
    SECONDS,
    carried,
    flash,
    hop,
    message_data,
)

__all__ = [
    "HOP_MAX_AGE",
    "MAX_SHOWN",
    "NAME",
    "NOTICE",
    "SECONDS",
    "carried",
    "flash",
    "hop",
    "message_data",
    "render_messages",
]
