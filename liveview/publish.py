# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.publish).
from __future__ import annotations

from liveview.pubsub.publish import *  # noqa: F403  (its __all__)
from liveview.pubsub.publish import __all__ as __all__
