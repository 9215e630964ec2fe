# Models as resources: a URI, a collection URI and an ETag that changes on every write. Every
# write publishes a ResourceChanged after its transaction commits (publish.py sends it).
from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from django.db import models, router, transaction
from django.db.models.signals import post_delete, post_save

from liveview.pubsub.messages import USERS, Method, ResourceChanged
from liveview.pubsub.publish import current_origin, publish

#: Method, ResourceChanged and USERS are liveview.pubsub.messages'; documented here, where
#: they have always been imported from.
__all__ = [
    "LiveResource",
    "Method",
    "NO_TOPICS",
    "ResourceChanged",
    "StaleResource",
    "Subscription",
    "USERS",
    "connect_signals",
    "delete_if_match",
    "new_etag",
    "reload",
    "save_if_match",
    "topics_of",
    "touch",
    "uri_of",
]

R = TypeVar("R", bound="LiveResource")


class StaleResource(Exception):
    """A conditional write whose ETag is no longer the resource's: someone else saved first."""

    def __init__(self, uri: str, expected: str, current: str | None) -> None:
        super().__init__(f"{uri} changed: expected ETag {expected!r}, it is now {current!r}")
        self.uri = uri
        self.expected = expected
        #: The resource's ETag now, or None when it was deleted.
        self.current = current


def new_etag() -> str:
    # Random, not a counter: two concurrent saves of the same row can never share an ETag.
    return secrets.token_hex(8)


class LiveResource(models.Model):
    """Mix into a model to make it a resource: ``class Poll(LiveResource): ...``.

    Set ``resource_collection = "/polls/"``; each row's URI is the collection plus its pk.
    """

    etag = models.CharField(max_length=32, default=new_etag, editable=False)

    #: The collection URI, like "/polls/"; override `get_collection_uri` when it depends on a row.
    resource_collection: ClassVar[str] = ""

    class Meta:
        abstract = True

    def get_collection_uri(self) -> str:
        if not self.resource_collection:
            raise TypeError(f"{type(self).__name__} sets no resource_collection (like '/polls/')")
        return self.resource_collection

    @property
    def uri(self) -> str:
        return f"{self.get_collection_uri()}{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every write gets a new ETag; save_if_match has already claimed the one to use.
        self.etag = self.__dict__.pop("_lv_claimed_etag", None) or new_etag()
        update_fields = kwargs.get("update_fields")
        if update_fields:  # an empty list saves nothing, as in Django
            kwargs["update_fields"] = {*update_fields, "etag"}
        super().save(*args, **kwargs)

    def to_json(self) -> dict[str, Any]:
        """What the REST API serves for this resource; override to shape it."""
        data: dict[str, Any] = {"uri": self.uri}
        for field in self._meta.concrete_fields:
            if field.name != "etag":
                data[field.name] = field.value_from_object(self)
        return data


#: What a component's `subscriptions()` may name: a URI, a resource, or a model (its collection).
Subscription = str | LiveResource | type[LiveResource]


def save_if_match(instance: LiveResource, etag: str, **save_kwargs: Any) -> None:
    """Save `instance` only if the stored row still has `etag`; else raise StaleResource.

    The check and the write are one transaction: the conditional UPDATE that claims the new ETag
    holds the row's write lock until commit, so no other write can slip in between.
    """
    using = save_kwargs.get("using") or router.db_for_write(type(instance), instance=instance)
    with transaction.atomic(using=using):
        instance.__dict__["_lv_claimed_etag"] = _claim(instance, etag, using)
        instance.save(**save_kwargs)


def delete_if_match(instance: LiveResource, etag: str) -> None:
    """Delete `instance` only if the stored row still has `etag`; else raise StaleResource."""
    using = router.db_for_write(type(instance), instance=instance)
    with transaction.atomic(using=using):
        _claim(instance, etag, using)
        instance.delete(using=using)


def _claim(instance: LiveResource, etag: str, using: str) -> str:
    """Move the row from `etag` to a new ETag, or raise StaleResource: the write lock's holder."""
    rows = type(instance)._base_manager.using(using).filter(pk=instance.pk)
    claimed = new_etag()
    if not rows.filter(etag=etag).update(etag=claimed):
        raise StaleResource(instance.uri, etag, rows.values_list("etag", flat=True).first())
    return claimed


def touch(queryset: models.QuerySet[Any]) -> list[ResourceChanged]:
    """Give every row a new ETag and publish a PUT for each, after commit.

    The one line to add after writes that bypass ``save()``: ``QuerySet.update``, raw SQL.
    """
    model = queryset.model
    if not issubclass(model, LiveResource):
        raise TypeError(f"{model.__name__} is not a LiveResource")
    using = queryset.db
    with transaction.atomic(using=using):
        rows = list(queryset.select_for_update())
        etag = new_etag()
        model._base_manager.using(using).filter(pk__in=[r.pk for r in rows]).update(etag=etag)
        changes = [_changed("PUT", row, etag) for row in rows]
        for change in changes:
            _publish_on_commit(change, using)
    return changes


def reload(instance: R) -> R | None:
    """The row as stored now, or None when it has been deleted."""
    return type(instance)._base_manager.filter(pk=instance.pk).first()


def uri_of(target: Subscription) -> str:
    """A topic: a URI as is, a resource's URI, a model's collection URI."""
    if isinstance(target, str):
        return target
    if isinstance(target, LiveResource):
        return target.uri
    if isinstance(target, type) and issubclass(target, LiveResource):
        if not target.resource_collection:
            raise TypeError(f"{target.__name__} sets no resource_collection")
        return target.resource_collection
    raise TypeError(f"not a URI, a LiveResource or a LiveResource model: {target!r}")


#: The empty topic set, shared: CPython allocates 216 bytes for every `frozenset()`, and most
#: components and every anonymous socket follow nothing (bench/memory.py: ~0.6 KB a page).
NO_TOPICS: frozenset[str] = frozenset()


def topics_of(targets: Iterable[Subscription]) -> frozenset[str]:
    return frozenset(uri_of(t) for t in targets) or NO_TOPICS


def _changed(method: Method, instance: LiveResource, etag: str | None) -> ResourceChanged:

    return ResourceChanged(
        method=method,
        uri=instance.uri,
        collection=instance.get_collection_uri(),
        etag=etag,
        origin=current_origin(),
    )


def _publish_on_commit(change: ResourceChanged, using: str) -> None:

    transaction.on_commit(lambda: publish(change), using=using)


def _saved(sender: type[Any], instance: Any, created: bool, using: str, **kwargs: Any) -> None:
    if isinstance(instance, LiveResource) and not kwargs.get("raw"):
        _publish_on_commit(_changed("POST" if created else "PUT", instance, instance.etag), using)


def _deleted(sender: type[Any], instance: Any, using: str, **kwargs: Any) -> None:
    if isinstance(instance, LiveResource):
        _publish_on_commit(_changed("DELETE", instance, None), using)


def connect_signals() -> None:
    """Connected by the app's ready(): a LiveResource's save or delete publishes its change."""
    post_save.connect(_saved, dispatch_uid="liveview.resources.saved")
    post_delete.connect(_deleted, dispatch_uid="liveview.resources.deleted")
