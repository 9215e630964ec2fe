# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.page).
from __future__ import annotations

from liveview.runtime.page import *  # noqa: F403  (its __all__)
from liveview.runtime.page import __all__ as __all__
