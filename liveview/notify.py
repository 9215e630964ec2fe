# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.notify).
from __future__ import annotations

from liveview.runtime.notify import (
    MAX_NOTICES,
    Mailbox,
    Notice,
    NoticeError,
    begin,
    deliver,
    discard,
    listeners_of,
    listens,
    send,
    settle,
)

__all__ = [
    "MAX_NOTICES",
    "Mailbox",
    "Notice",
    "NoticeError",
    "begin",
    "deliver",
    "discard",
    "listeners_of",
    "listens",
    "send",
    "settle",
]
