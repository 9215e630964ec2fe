"""ASGI entry point: Django over HTTP and the live socket, through liveview's one helper."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from liveview.routing import live_asgi_application  # noqa: E402

application = live_asgi_application()
