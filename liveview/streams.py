# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.streams).
from __future__ import annotations

from liveview.authoring.streams import At, Stream, Streams, key_id

__all__ = ["At", "Stream", "Streams", "key_id"]
