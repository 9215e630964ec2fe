# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.registration).
from __future__ import annotations

from liveview.authoring.registration import (
    hint_not_registered,
    not_registered_hint,
)

__all__ = [
    "hint_not_registered",
    "not_registered_hint",
]
