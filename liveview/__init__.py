"""liveview: live, server-rendered Django pages over one websocket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent
    from liveview.authoring.events import event

__all__ = ["LiveComponent", "event"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy, so `import liveview.routing` in asgi.py works before Django is set up.
    if name == "LiveComponent":
        from liveview.authoring.component import LiveComponent

        return LiveComponent
    if name == "event":
        from liveview.authoring.events import event

        return event
    raise AttributeError(name)
