# The sending side of pub/sub: a ResourceChanged goes to the channel-layer group of its URI and of
# its collection. A change made inside a live event is also recorded for that event's own turn.
from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from liveview.pubsub.resources import Method, ResourceChanged

MESSAGE_TYPE = "liveview.changed"
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


def group_name(topic: str) -> str:
    """A channel-layer group for a URI (group names allow only a few characters)."""
    return "liveview." + hashlib.blake2b(topic.encode(), digest_size=16).hexdigest()


def to_message(change: ResourceChanged) -> dict[str, Any]:
    """The layer message of one publish. Its `id` is what a hub deduplicates on: it hears a
    publish once per group it follows (the URI's and the collection's), and a later publish of
    the same (method, uri, etag) — a change without an ETag, say — is another change."""
    return {
        "type": MESSAGE_TYPE,
        "id": secrets.token_hex(8),
        "method": change.method,
        "uri": change.uri,
        "collection": change.collection,
        "etag": change.etag,
        "origin": change.origin,
    }


_METHODS: frozenset[Method] = frozenset({"POST", "PUT", "DELETE"})


def from_message(message: dict[str, Any]) -> ResourceChanged | None:
    """The change a layer message carries, or None when it is not one of ours."""
    method, uri, collection = message.get("method"), message.get("uri"), message.get("collection")
    etag, origin = message.get("etag"), message.get("origin")
    if message.get("type") != MESSAGE_TYPE or method not in _METHODS:
        return None
    if not (isinstance(uri, str) and isinstance(collection, str)):
        return None
    if not (etag is None or isinstance(etag, str)) or not (
        origin is None or isinstance(origin, str)
    ):
        return None
    return ResourceChanged(method=method, uri=uri, collection=collection, etag=etag, origin=origin)


def message_key(message: dict[str, Any], change: ResourceChanged) -> Hashable:
    """What identifies one publish among the copies a hub receives (see `to_message`); a
    message of an older sender, without an id, is known by its (method, uri, etag)."""
    sent_id = message.get("id")
    if isinstance(sent_id, str):
        return sent_id
    return (change.method, change.uri, change.etag)


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
            from liveview.pubsub.hub import publish_failed  # the hub imports this module

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
