# The hub's public names in one place. A Hub (subscriptions.py) holds one channel-layer
# membership per topic for its loop and fans changes out to the sockets subscribed here; its
# channel is layer_channel.py, its watch of the layer heartbeat.py, its recent changes
# received.py, and the registry that opens and closes hubs (per loop) hubs.py.
from __future__ import annotations

from liveview.pubsub.heartbeat import (
    HEARTBEAT_INTERVAL,
    HEARTBEAT_TIMEOUT,
    HEARTBEAT_TYPE,
    PROBE_INTERVAL,
)
from liveview.pubsub.hubs import Hubs, all_hubs, existing_hub, installed, publish_failed
from liveview.pubsub.messages import ResourceChanged, reload_change
from liveview.pubsub.subscriptions import Deliver, Hub, HubHooks, Subscriber

__all__ = [
    "HEARTBEAT_INTERVAL",
    "HEARTBEAT_TIMEOUT",
    "HEARTBEAT_TYPE",
    "PROBE_INTERVAL",
    "Deliver",
    "Hub",
    "HubHooks",
    "Hubs",
    "ResourceChanged",
    "Subscriber",
    "all_hubs",
    "existing_hub",
    "installed",
    "publish_failed",
    "reload_change",
]
