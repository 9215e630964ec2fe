# Moved: this path stays so that existing imports keep working
# (the module is liveview.core.redirects).
from __future__ import annotations

from liveview.core.redirects import (
    UnsafeRedirect,
    safe_href,
    safe_redirect,
)

__all__ = [
    "UnsafeRedirect",
    "safe_href",
    "safe_redirect",
]
