# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.rest_auth).
from __future__ import annotations

from liveview.batteries.rest_auth import (
    Throttle,
    basic_enabled,
    basic_login,
    clock,
)

__all__ = [
    "Throttle",
    "basic_enabled",
    "basic_login",
    "clock",
]
