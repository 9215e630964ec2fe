"""The demo's settings for the benchmark servers: thousands of sockets from one address."""

import os

from project.settings import *  # noqa: F403

# bench/redis_fanout.py --layer core: the same servers on channels-redis' RedisChannelLayer.
if os.environ.get("BENCH_REDIS_LAYER") == "core" and CHANNEL_LAYERS["default"].get("CONFIG"):  # noqa: F405
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.core.RedisChannelLayer"  # noqa: F405

# Every bench socket comes from 127.0.0.1; the per-IP cap guards against one real client.
LIVEVIEW_MAX_CONNECTIONS_PER_IP = 1_000_000
LIVEVIEW_MAX_CONNECTIONS_PER_USER = 1_000_000
# The round-trip bench sends events back to back, far above a person's rate: the bucket still
# runs on every event (its cost is measured), it just never drops one.
LIVEVIEW_EVENTS_PER_SECOND = 1_000_000
LIVEVIEW_EVENT_BURST = 1_000_000

# The demo's URLs and the click→DOM bench's pages (bench/click_dom_app.py).
ROOT_URLCONF = "bench.urls"
