# Moved: this path stays so that existing imports keep working
# (the module is liveview.pubsub.resources).
from __future__ import annotations

from liveview.pubsub.resources import *  # noqa: F403  (its __all__)
from liveview.pubsub.resources import __all__ as __all__
