# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.publish).
from __future__ import annotations

from liveview.pubsub.publish import (
    MESSAGE_TYPE,
    Turn,
    apublish,
    changed,
    current_origin,
    from_message,
    group_name,
    message_key,
    publish,
    to_message,
    turn,
)

__all__ = [
    "MESSAGE_TYPE",
    "Turn",
    "apublish",
    "changed",
    "current_origin",
    "from_message",
    "group_name",
    "message_key",
    "publish",
    "to_message",
    "turn",
]
