"""The demo's settings for the benchmark servers: thousands of sockets from one address."""

from project.settings import *  # noqa: F403

# Every bench socket comes from 127.0.0.1; the per-IP cap guards against one real client.
LIVEVIEW_MAX_CONNECTIONS_PER_IP = 1_000_000
LIVEVIEW_MAX_CONNECTIONS_PER_USER = 1_000_000
