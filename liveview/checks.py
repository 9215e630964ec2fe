# `manage.py check` for a live site: the socket origin-checked, a layer every worker shares,
# an explicit token lifetime. docs/security.md lists the ids.
from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from liveview import conf
from liveview.origin import Origin

# How deep to follow middleware wrappers (`.inner`, `.application`, `.app`) before giving up.
_MAX_WRAPPERS = 32


@register(Tags.security)
def check_origin_validator(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        return []
    try:
        application = import_string(path)
    except ImportError as exc:
        return [
            Warning(f"ASGI_APPLICATION {path!r} could not be imported: {exc}", id="liveview.W003")
        ]
    router = _find(application, lambda app: hasattr(app, "application_mapping"))
    if router is None:
        return []
    websocket = router.application_mapping.get("websocket")
    if websocket is None or _find(websocket, _is_origin_validator) is not None:
        return []
    return [
        Error(
            "The websocket application is not wrapped in an origin validator: any site the "
            "user visits can open the live socket with the user's cookies.",
            hint="Build it with liveview.routing.live_asgi_application(), or wrap your "
            "websocket router in liveview.origin.OriginValidator.",
            id="liveview.E001",
        )
    ]


@register(Tags.security)
def check_allowed_origins(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    origins = getattr(settings, "LIVEVIEW_ALLOWED_ORIGINS", None)
    if origins is None:
        return []
    if isinstance(origins, str):
        return [Error("LIVEVIEW_ALLOWED_ORIGINS must be a list, not a string", id="liveview.E002")]
    return [
        Error(
            f"LIVEVIEW_ALLOWED_ORIGINS: {text!r} is not an origin",
            hint="Write scheme://host[:port], e.g. 'https://example.com', without a path.",
            id="liveview.E002",
        )
        for text in origins
        if not isinstance(text, str) or Origin.parse(text) is None
    ]


@register("liveview")
def check_channel_layer(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    workers = _configured_workers()
    if workers <= 1:
        return []
    layers = getattr(settings, "CHANNEL_LAYERS", {}) or {}
    backend = str(layers.get("default", {}).get("BACKEND", ""))
    if not backend.endswith(".InMemoryChannelLayer"):
        return []
    return [
        Warning(
            f"WEB_CONCURRENCY={workers} workers, each with its own in-memory channel layer: "
            "a change published in one worker never reaches pages open on another.",
            hint="Use channels-redis (CHANNEL_LAYERS with channels_redis.pubsub."
            "RedisPubSubChannelLayer; see docs/deployment.md) or run one worker.",
            id="liveview.W001",
        )
    ]


@register("liveview")
def check_token_max_age(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if hasattr(settings, "LIVEVIEW_TOKEN_MAX_AGE"):
        return []
    return [
        Warning(
            f"LIVEVIEW_TOKEN_MAX_AGE is not set; page tokens stay valid for the default "
            f"{conf.token_max_age()} seconds.",
            hint="Set it to how long a page may stay open and still reconnect (seconds); "
            "shorter limits how long a leaked page token can be replayed.",
            id="liveview.W002",
        )
    ]


def _configured_workers() -> int:
    """Workers from WEB_CONCURRENCY, the variable gunicorn and uvicorn read; 1 when unset."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        return 1


def _is_origin_validator(app: object) -> bool:
    from channels.security.websocket import OriginValidator as ChannelsOriginValidator

    from liveview.origin import OriginValidator

    return isinstance(app, OriginValidator | ChannelsOriginValidator)


def _find(app: object, wanted: Any) -> Any:
    """The first app in the chain of middleware wrappers from `app` for which `wanted` holds."""
    for _ in range(_MAX_WRAPPERS):
        if app is None:
            return None
        if wanted(app):
            return app
        app = next(
            (getattr(app, a) for a in ("inner", "application", "app") if hasattr(app, a)),
            None,
        )
    return None
