# Moved: this path stays so that existing imports keep working
# (the module is liveview.http.views).
from __future__ import annotations

from liveview.http.views import (
    inspector,
)

__all__ = [
    "inspector",
]
