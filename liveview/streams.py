# The public path of streams (the module is liveview.authoring.streams; docs/streams.md).
from __future__ import annotations

from liveview.authoring.streams import At, Stream, Streams, key_id

__all__ = ["At", "Stream", "Streams", "key_id"]
