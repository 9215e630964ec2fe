# Moved: this path stays so that existing imports keep working
# (the module is liveview.batteries.forms).
from __future__ import annotations

from liveview.batteries.forms import (
    LiveForm,
    form_errors,
)

__all__ = [
    "LiveForm",
    "form_errors",
]
