# Reads the LIVEVIEW_* settings with their defaults; the one place that knows them.
# docs/settings are in the README ("Settings").
from __future__ import annotations

from typing import Literal

from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HtmxVersion = Literal[2, 4]


def htmx_version() -> HtmxVersion:
    version = getattr(settings, "LIVEVIEW_HTMX_VERSION", 4)
    if version not in (2, 4):
        raise ImproperlyConfigured(f"LIVEVIEW_HTMX_VERSION must be 2 or 4, not {version!r}")
    return 2 if version == 2 else 4


def htmx_scripts() -> tuple[str, ...]:
    """The project's own htmx build: static paths of htmx and its ws extension, in load order.

    Empty (the default): django-htmx's build of LIVEVIEW_HTMX_VERSION. See docs/htmx.md.
    """
    paths = getattr(settings, "LIVEVIEW_HTMX_SCRIPTS", None)
    if paths is None:
        return ()
    shape = (
        "LIVEVIEW_HTMX_SCRIPTS must be a list of static paths, htmx's before its ws extension's, "
        'e.g. ("htmx/4.0.1/htmx.min.js", "htmx/4.0.1/ext/hx-ws.min.js")'
    )
    if isinstance(paths, str) or not isinstance(paths, list | tuple):
        raise ImproperlyConfigured(f"{shape}, not {paths!r}")
    for path in paths:
        if not isinstance(path, str) or not path.endswith(".js"):
            raise ImproperlyConfigured(f"{shape}; {path!r} is not the path of a .js file")
        if path.startswith("/") or "://" in path:
            raise ImproperlyConfigured(
                f"{shape}; {path!r} is a URL: give the path under a static files directory"
            )
    return tuple(paths)


def websocket_path() -> str:
    path: str = getattr(settings, "LIVEVIEW_WEBSOCKET_PATH", "/ws/liveview/")
    if not (path.startswith("/") and path.endswith("/")):
        raise ImproperlyConfigured("LIVEVIEW_WEBSOCKET_PATH must start and end with '/'")
    return path


def token_max_age() -> int:
    """Seconds a page token stays valid (reconnects included); default one day."""
    return int(getattr(settings, "LIVEVIEW_TOKEN_MAX_AGE", 24 * 60 * 60))


def allowed_origins() -> tuple[str, ...] | None:
    """Origins allowed to open the live socket; None (the default): the site's own.

    The site's own means: a host in ALLOWED_HOSTS, at the socket's own scheme and port.
    """
    origins = getattr(settings, "LIVEVIEW_ALLOWED_ORIGINS", None)
    if origins is None:
        return None
    if isinstance(origins, str):
        raise ImproperlyConfigured("LIVEVIEW_ALLOWED_ORIGINS must be a list of origins")
    return tuple(origins)


def redirect_allowed_hosts() -> tuple[str, ...]:
    """Hosts (besides the request's own) a live redirect may send the browser to."""
    hosts = getattr(settings, "LIVEVIEW_REDIRECT_ALLOWED_HOSTS", ())
    if isinstance(hosts, str):
        raise ImproperlyConfigured("LIVEVIEW_REDIRECT_ALLOWED_HOSTS must be a list of hosts")
    return tuple(hosts)


def max_frame_bytes() -> int:
    """The largest client frame a live socket accepts; larger ones close it with 1009."""
    return int(getattr(settings, "LIVEVIEW_MAX_FRAME_BYTES", 64 * 1024))


def event_rate() -> tuple[float, float]:
    """Events per second a socket may send on average, and the burst it may send at once."""
    rate = float(getattr(settings, "LIVEVIEW_EVENTS_PER_SECOND", 20))
    burst = float(getattr(settings, "LIVEVIEW_EVENT_BURST", 40))
    return rate, burst


def max_connections() -> tuple[int, int]:
    """Open live sockets allowed per authenticated user and per client IP, in each process."""
    per_user = int(getattr(settings, "LIVEVIEW_MAX_CONNECTIONS_PER_USER", 50))
    per_ip = int(getattr(settings, "LIVEVIEW_MAX_CONNECTIONS_PER_IP", 500))
    return per_user, per_ip


def job_progress_interval() -> float:
    """Seconds between two writes of a job's progress (and between two polls of its row)."""
    return float(getattr(settings, "LIVEVIEW_JOB_PROGRESS_INTERVAL", 0.25))


def job_abandoned_after() -> float:
    """Seconds without a write after which a running job is taken as abandoned by its worker."""
    return float(getattr(settings, "LIVEVIEW_JOB_ABANDONED_AFTER", 60))


def jobs_polled() -> bool:
    """Whether servers poll the jobs their pages show instead of the worker publishing.

    The default (None): poll when the channel layer is process-local (in-memory), where a
    worker process cannot reach the servers' pages.
    """
    polled = getattr(settings, "LIVEVIEW_JOBS_POLL", None)
    if polled is not None:
        return bool(polled)
    backend = layer_backend()
    return not backend or layer_in_memory(backend)


def layer_backend() -> str:
    """The default channel layer's BACKEND path from CHANNEL_LAYERS ("" when none is set)."""
    layers = getattr(settings, "CHANNEL_LAYERS", None) or {}
    return str(layers.get("default", {}).get("BACKEND", ""))


def layer_in_memory(layer: object) -> bool:
    """Whether a channel layer lives in this process only (Channels' in-memory layer).

    `layer` is a layer object or a BACKEND path from settings; None (no layer) is not one.
    """
    if isinstance(layer, str):
        return layer.rpartition(".")[2] == str(InMemoryChannelLayer.__name__)
    return bool(isinstance(layer, InMemoryChannelLayer))  # channels is untyped


def rest_basic_auth() -> bool:
    """Whether the REST API reads Basic credentials (an API's own `basic_auth` decides first)."""
    return bool(getattr(settings, "LIVEVIEW_REST_BASIC_AUTH", False))


def rest_auth_throttle() -> tuple[int, int, str]:
    """(Failed Basic logins allowed per IP and per username in a window, the window in
    seconds, the cache alias that counts them)."""
    failures = int(getattr(settings, "LIVEVIEW_REST_AUTH_FAILURES", 10))
    window = int(getattr(settings, "LIVEVIEW_REST_AUTH_WINDOW", 300))
    for name, value in (("FAILURES", failures), ("WINDOW", window)):
        if value < 1:
            raise ImproperlyConfigured(f"LIVEVIEW_REST_AUTH_{name} must be at least 1, not {value}")
    return failures, window, str(getattr(settings, "LIVEVIEW_REST_AUTH_CACHE", "default"))


def token_encrypted() -> bool:
    """Whether page tokens are encrypted as well as signed (needs `cryptography`)."""
    return bool(getattr(settings, "LIVEVIEW_TOKEN_ENCRYPTED", False))


def upload_storage() -> str:
    """The STORAGES alias temporary uploads are kept in (default "default")."""
    return str(getattr(settings, "LIVEVIEW_UPLOAD_STORAGE", "default"))


def upload_url_max_age() -> int:
    """Seconds an upload URL a page shows stays valid at most (a new one comes with each
    render of its component after a quarter of it; a reconnect renders every component)."""
    return int(getattr(settings, "LIVEVIEW_UPLOAD_URL_MAX_AGE", 60 * 60))


def upload_temp_max_age() -> int:
    """Seconds an uploaded file waits for its form's submit before it is abandoned."""
    return int(getattr(settings, "LIVEVIEW_UPLOAD_TEMP_MAX_AGE", 60 * 60))
