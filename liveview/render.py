# Moved: this path stays so that existing imports keep working
# (the module is liveview.runtime.render).
from __future__ import annotations

from liveview.runtime.render import (
    EPOCH_ID,
    REDIRECT_ID,
    Handle,
    component_template,
    epoch_element,
    error_banner,
    failure_text,
    redirect_element,
    render_inner,
    wrap,
)

__all__ = [
    "EPOCH_ID",
    "Handle",
    "REDIRECT_ID",
    "component_template",
    "epoch_element",
    "error_banner",
    "failure_text",
    "redirect_element",
    "render_inner",
    "wrap",
]
