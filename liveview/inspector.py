# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.inspector).
from __future__ import annotations

from liveview.batteries.inspector import (
    NAME,
    TOPICS_SHOWN,
    BytesRow,
    Inspector,
    ProcessReport,
    RenderRow,
    inspect_process,
)

__all__ = [
    "BytesRow",
    "Inspector",
    "NAME",
    "ProcessReport",
    "RenderRow",
    "TOPICS_SHOWN",
    "inspect_process",
]
