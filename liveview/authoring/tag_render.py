# How a `{% component %}` tag renders a live component. Authoring sits below the layers that
# mount pages, so the renderer (liveview.http.static_render.render_from_tag: on the request's
# page, or as a child during a live re-render) is installed by the app's ready().
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from liveview.authoring.component import LiveComponent

TagRenderer = Callable[["LiveComponent"], str]

_renderer: TagRenderer | None = None


def install(renderer: TagRenderer) -> None:
    """Render every `{% component %}` tag of a live component with `renderer` (ready() does)."""
    global _renderer
    _renderer = renderer


def render(tag_instance: LiveComponent) -> str:
    """What the `{% component %}` tag of a live component renders."""
    if _renderer is None:
        raise ImproperlyConfigured(
            "liveview renders {% component %} tags of live components once its app is ready:"
            " add 'liveview' to INSTALLED_APPS"
        )
    return _renderer(tag_instance)
