"""The demo's settings for the benchmark servers: thousands of sockets from one address."""

from project.settings import *  # noqa: F403

# Every bench socket comes from 127.0.0.1; the per-IP cap guards against one real client.
LIVEVIEW_MAX_CONNECTIONS_PER_IP = 1_000_000
LIVEVIEW_MAX_CONNECTIONS_PER_USER = 1_000_000
# The round-trip bench sends events back to back, far above a person's rate: the bucket still
# runs on every event (its cost is measured), it just never drops one.
LIVEVIEW_EVENTS_PER_SECOND = 1_000_000
LIVEVIEW_EVENT_BURST = 1_000_000
