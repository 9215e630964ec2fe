"""ASGI entry point: Django over HTTP and the live socket, through liveview's one helper."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

from liveview.routing import live_asgi_application  # noqa: E402

# The demo serves its own static files (htmx, the glue) under any ASGI server, async-safely;
# a deployment puts them behind the reverse proxy instead (collectstatic, DJANGO_STATIC_ROOT).
application = live_asgi_application(ASGIStaticFilesHandler(get_asgi_application()))
