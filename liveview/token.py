# Moved: this path stays so that existing imports keep working
# (the module is liveview.core.token).
from __future__ import annotations

from liveview.core.token import (
    SALT,
    VERSION,
    Binding,
    ComponentSpec,
    PageToken,
    TokenError,
    TokenSigningError,
)

__all__ = [
    "Binding",
    "ComponentSpec",
    "PageToken",
    "SALT",
    "TokenError",
    "TokenSigningError",
    "VERSION",
]
