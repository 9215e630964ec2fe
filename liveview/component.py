# Moved: this path stays so that existing imports keep working
# (the module is liveview.authoring.component).
from __future__ import annotations

from liveview.authoring.component import (
    RESERVED,
    LiveComponent,
    UnknownComponent,
    component_class,
    is_live_component,
)

__all__ = [
    "LiveComponent",
    "RESERVED",
    "UnknownComponent",
    "component_class",
    "is_live_component",
]
