"""liveview.testing: test live pages without a browser (docs/testing.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liveview.testing.client import LiveClient, publish_change
    from liveview.testing.dom import LiveTestError
    from liveview.testing.page import LivePage

__all__ = ["LiveClient", "LivePage", "LiveTestError", "publish_change"]

_HOMES = {
    "LiveClient": "liveview.testing.client",
    "publish_change": "liveview.testing.client",
    "LivePage": "liveview.testing.page",
    "LiveTestError": "liveview.testing.dom",
}


def __getattr__(name: str) -> Any:
    # Lazy: the pytest plugin imports this package before Django is set up.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(home), name)
