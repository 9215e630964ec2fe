# A change as it travels: the ResourceChanged record, the channel-layer message and group that
# carry it, and the key a hub deduplicates it on. No I/O: publish.py sends, hub.py receives.
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

Method = Literal["POST", "PUT", "DELETE"]
MESSAGE_TYPE = "liveview.changed"

#: The collection of the control topics (one per user, published when that user's access may
#: have changed; liveview.authz): the hub reloads them like any other topic.
USERS = "/liveview/users/"


@dataclass(frozen=True, slots=True)
class ResourceChanged:
    """One committed write: what the channel layer carries to every page showing the resource."""

    method: Method
    uri: str
    collection: str
    #: The ETag after the write; None for a delete.
    etag: str | None
    #: The live page whose event made the change (its own turn has applied it already).
    origin: str | None = None

    def topics(self) -> tuple[str, str]:
        return (self.uri, self.collection)


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


def reload_change(topic: str) -> ResourceChanged:
    """The change that makes `topic`'s subscribers reload it from the database.

    A user's control topic gets a change in the users' collection, so its sockets re-read the
    session and the user and close (4410) if the page is no longer theirs.
    """
    collection = USERS if topic.startswith(USERS) else topic
    return ResourceChanged("PUT", topic, collection, None)
