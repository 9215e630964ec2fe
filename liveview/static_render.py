# Moved: this path stays so that existing imports keep working
# (the module is liveview.http.static_render).
from __future__ import annotations

from liveview.http.static_render import (
    binding_for_request,
    page_for_request,
    render_from_tag,
    rendered_page,
)

__all__ = [
    "binding_for_request",
    "page_for_request",
    "render_from_tag",
    "rendered_page",
]
