# Moved: this path stays so that existing imports keep working
# (the module is liveview.core.dialect).
from __future__ import annotations

from liveview.core.dialect import (
    DIALECTS,
    FRAME_SHAPES,
    HTMX2,
    HTMX2_FRAME,
    HTMX4,
    HTMX4_BETA_FRAME,
    HTMX4_FRAME,
    Dialect,
    DialectName,
    FrameShape,
    current,
    named,
    unwrap,
)

__all__ = [
    "DIALECTS",
    "Dialect",
    "DialectName",
    "FRAME_SHAPES",
    "FrameShape",
    "HTMX2",
    "HTMX2_FRAME",
    "HTMX4",
    "HTMX4_BETA_FRAME",
    "HTMX4_FRAME",
    "current",
    "named",
    "unwrap",
]
