# The sending side of pub/sub: a ResourceChanged goes to the channel-layer group of its URI and of
# its collection. A change made inside a live event is also recorded for that event's own turn.
from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
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


def turn(origin: str) -> AbstractContextManager[Turn]:
    """The changes one live event makes while the `with` block runs: its `Turn`."""
    return _Turning(Turn(origin))


class _Turning:
    """`turn`'s context manager: a small class (every event enters one; the generator-based
    one cost a few µs more), the same semantics: the turn is current inside the block only."""

    __slots__ = ("_reset", "current")

    def __init__(self, current: Turn) -> None:
        self.current = current
        self._reset: Token[Turn | None] | None = None

    def __enter__(self) -> Turn:
        self._reset = _turn.set(self.current)
        return self.current

    def __exit__(self, *exc_info: object) -> None:
        if self._reset is not None:
            _turn.reset(self._reset)
            self._reset = None


def current_origin() -> str | None:
    current = _turn.get()
    return current.origin if current is not None else None


async def apublish(change: ResourceChanged) -> None:
    """Send `change` to every page showing its URI or its collection, in every process."""
    _record(change)
    await _send(change)


def _record(change: ResourceChanged) -> None:
    """An event's own change: its page applies it with the reply (the hub skips that page)."""
    current = _turn.get()
    if current is not None and change.origin == current.origin:
        current.changes.append(change)


async def _send(change: ResourceChanged) -> None:
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
    # Sync code running on the event loop itself (an `@event(on_loop=True)` handler): the
    # turn hears of it now, with the reply; it is sent as soon as the loop gets control back.
    # The loop holds tasks weakly; keep a reference until it is done.
    _record(change)
    task = loop.create_task(_send(change))
    _sending.add(task)
    task.add_done_callback(_sending.discard)


def changed(method: Method, uri: str, collection: str, etag: str | None = None) -> ResourceChanged:
    """A change for a URI that is not a model (a computed view, a file): publish it yourself."""
    return ResourceChanged(method, uri, collection, etag, current_origin())
