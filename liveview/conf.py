# Moved: this path stays so that existing imports keep working
# (the module is liveview.core.conf).
from __future__ import annotations

from liveview.core.conf import (
    HtmxVersion,
    allowed_origins,
    event_rate,
    htmx_scripts,
    htmx_version,
    job_abandoned_after,
    job_progress_interval,
    jobs_polled,
    layer_backend,
    layer_in_memory,
    max_connections,
    max_frame_bytes,
    redirect_allowed_hosts,
    rest_auth_throttle,
    rest_basic_auth,
    token_encrypted,
    token_max_age,
    websocket_path,
)

__all__ = [
    "HtmxVersion",
    "allowed_origins",
    "event_rate",
    "htmx_scripts",
    "htmx_version",
    "job_abandoned_after",
    "job_progress_interval",
    "jobs_polled",
    "layer_backend",
    "layer_in_memory",
    "max_connections",
    "max_frame_bytes",
    "redirect_allowed_hosts",
    "rest_auth_throttle",
    "rest_basic_auth",
    "token_encrypted",
    "token_max_age",
    "websocket_path",
]
