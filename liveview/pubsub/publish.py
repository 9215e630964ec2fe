# The sending side of pub/sub: a ResourceChanged goes to the channel-layer group of its URI and of
# its collection. A change made inside a live event is also recorded for that event's own turn.
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from liveview.pubsub.hubs import publish_failed
from liveview.pubsub.messages import (
    MESSAGE_TYPE,
    Method,
    ResourceChanged,
    from_message,
    group_name,
    message_key,
    to_message,
)

#: Defined in liveview.pubsub.messages; documented and imported from here too.
__all__ = [
    "MESSAGE_TYPE",
    "Turn",
    "apublish",
    "changed",
    "current_origin",
    "from_message",
    "group_name",
    "message_key",
    "publish",
    "to_message",
    "turn",
]

logger = logging.getLogger("liveview")


@dataclass(slots=True)
class Turn:
    """The changes one live event made, applied to its own page before the reply is sent."""

    origin: str
    changes: list[ResourceChanged] = field(default_factory=list)


_sending: set[asyncio.Task[None]] = set()
_turn: ContextVar[Turn | None] = ContextVar("liveview_turn", default=None)


@contextmanager
def turn(origin: str) -> Iterator[Turn]:
    current = Turn(origin)
    reset = _turn.set(current)
    try:
        yield current
    finally:
        _turn.reset(reset)


def current_origin() -> str | None:
    current = _turn.get()
    return current.origin if current is not None else None


async def apublish(change: ResourceChanged) -> None:
    """Send `change` to every page showing its URI or its collection, in every process."""
    current = _turn.get()
    if current is not None and change.origin == current.origin:
        current.changes.append(change)
    layer = get_channel_layer()
    if layer is None:
        return
    message = to_message(change)
    for topic in dict.fromkeys(change.topics()):
        try:
            await layer.group_send(group_name(topic), message)
        except Exception as exc:
            # The write is committed; failing the request now would lose nothing but the
            # user's answer. This process's pages reload from the database once the layer
            # answers a heartbeat again (docs/deployment.md: what other processes get).
            logger.error(
                "liveview: publishing %s %s failed (%r); pages resync when the layer is back",
                change.method,
                topic,
                exc,
            )

            publish_failed()


def publish(change: ResourceChanged) -> None:
    """`apublish` for sync code: views, signals, the shell, a management command."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(apublish)(change)
        return
    # Sync code running on the event loop itself: send as soon as it yields. The loop holds
    # tasks weakly; keep a reference until it is done.
    task = loop.create_task(apublish(change))
    _sending.add(task)
    task.add_done_callback(_sending.discard)


def changed(method: Method, uri: str, collection: str, etag: str | None = None) -> ResourceChanged:
    """A change for a URI that is not a model (a computed view, a file): publish it yourself."""
    return ResourceChanged(method, uri, collection, etag, current_origin())
