# ResourceEditor: a live form over one resource that follows the sync table. Another writer's
# change reloads a clean form and puts a dirty one in conflict; a save carries the ETag it
# started from, so a stale save is a conflict, never a silent overwrite.
from __future__ import annotations

from typing import Any, ClassVar, Literal

from django import forms
from django.core.exceptions import ImproperlyConfigured

from liveview.component import LiveComponent
from liveview.events import event
from liveview.forms import form_errors
from liveview.resources import (
    LiveResource,
    ResourceChanged,
    StaleResource,
    Subscription,
    save_if_match,
)
from liveview.sync import Sync, decide

DEFAULT_PERMISSION = "<model change permission>"
Action = Literal["save", "overwrite", "reload"]


class ResourceEditor(LiveComponent):
    """Edit one `model` row with `form_class`; mount it with ``pk=``.

    The template sees ``form`` (its fields hold the user's input), ``data``, ``etag``,
    ``dirty``, ``conflict`` (None, or ``{"etag", "values"}``: the other writer's version),
    ``errors`` (per field; ``form`` for the whole form), ``saved``, ``deleted`` and
    ``can_edit``. Events: ``edit`` (bind it to input), ``save`` (its ``action`` may be
    "overwrite" or "reload"), ``overwrite`` and ``reload``.
    """

    model: ClassVar[type[LiveResource]]
    form_class: ClassVar[type[forms.ModelForm[Any]]]
    #: The permission a user needs to save; the model's "change" permission unless set.
    #: None lets anyone save.
    permission: ClassVar[str | None] = DEFAULT_PERMISSION

    def mount(self, pk: int | str) -> None:
        self.pk = pk
        self.load()

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Drop any input: show the resource as stored now."""
        instance = self._fetch()
        self.deleted = instance is None
        self.uri = instance.uri if instance is not None else ""
        self.etag = instance.etag if instance is not None else None
        self.base = self.values_of(instance) if instance is not None else {}
        self.data = dict(self.base)
        self.dirty = False
        self.conflict: dict[str, Any] | None = None
        self.errors: dict[str, list[str]] = {}
        self.saved = False

    def values_of(self, instance: LiveResource) -> dict[str, Any]:
        """The form's fields as `instance` holds them, as the form would show them."""
        form = self.form_class(instance=instance)
        return {name: form[name].value() for name in form.fields}

    def subscriptions(self) -> list[Subscription]:
        return [self.uri] if self.uri else []

    def extra_context(self) -> dict[str, Any]:
        # Unbound, with the input as initial values: the fields show what the user typed,
        # and errors come from the last save or edit, not from rendering.
        return {"form": self.form_class(initial=self.data), "can_edit": self.can_edit()}

    def can_edit(self) -> bool:
        permission = self._permission()
        if permission is None:
            return True
        user = self.live.user
        return bool(user is not None and user.has_perm(permission))

    # -- the sync table ---------------------------------------------------------------------

    def resource_changed(self, change: ResourceChanged) -> None:
        if change.method == "DELETE":
            self.deleted = True
            self.etag = None
            return
        action = decide(self.etag, change.etag, dirty=self.dirty)
        if action is Sync.RELOAD:
            self.load()
        elif action is Sync.CONFLICT:
            self._conflict_with(self._fetch())

    def _conflict_with(self, theirs: LiveResource | None) -> None:
        if theirs is None:
            self.deleted = True
            return
        values = self.values_of(theirs)
        if values == self.base:
            # Their write left every field of this form alone (a vote, say): nothing to resolve.
            self.etag = theirs.etag
            return
        self.conflict = {"etag": theirs.etag, "values": values}

    # -- events -----------------------------------------------------------------------------

    @event
    def edit(self, **values: Any) -> None:
        self.data = self._input(values)
        self.dirty = self._is_dirty()
        if self.dirty:  # an edit that lands after its own save (debounced) keeps "Saved"
            self.saved = False
        form = self.form_class(data=self.data, instance=self._fetch())
        self.errors = {} if form.is_valid() else form_errors(form)

    @event
    def save(self, action: Action = "save", **values: Any) -> None:
        """The form's submit; its buttons pick the `action` (the conflict's choices included)."""
        if action == "reload":
            self.load()
            return
        if action == "overwrite":
            self.overwrite(**values)
            return
        self.data = self._input(values)
        self.dirty = self._is_dirty()
        if self.conflict is not None:
            self.errors = {"form": ["Someone else changed this: reload it or overwrite it."]}
            return
        self._save(self.etag)

    @event
    def overwrite(self, **values: Any) -> None:
        if values:
            self.data = self._input(values)
            self.dirty = self._is_dirty()
        if self.conflict is not None:
            self._save(self.conflict["etag"])

    @event
    def reload(self) -> None:
        self.load()

    def _save(self, etag: str | None) -> None:
        self.saved = False
        if not self.can_edit():
            self.errors = {"form": ["You do not have permission to change this."]}
            return
        instance = self._fetch()
        if instance is None or etag is None:
            self.deleted = True
            return
        form = self.form_class(data=self.data, instance=instance)
        if not form.is_valid():
            self.errors = form_errors(form)
            return
        try:
            save_if_match(form.save(commit=False), etag)
        except StaleResource:
            self._conflict_with(self._fetch())
            if self.conflict is None and not self.deleted:  # only untouched fields changed
                self._save(self.etag)
            return
        form.save_m2m()
        self.etag = form.instance.etag
        self.base = self.values_of(form.instance)
        self.data = dict(self.base)
        self.dirty = False
        self.conflict = None
        self.errors = {}
        self.saved = True

    def _is_dirty(self) -> bool:
        return bool(self.form_class(data=self.data, initial=self.base).has_changed())

    def _input(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = self.form_class.base_fields
        return {name: values.get(name, self.data.get(name)) for name in fields}

    def _fetch(self) -> LiveResource | None:
        return self.model._base_manager.filter(pk=self.pk).first()

    def _permission(self) -> str | None:
        if self.permission != DEFAULT_PERMISSION:
            return self.permission
        if not hasattr(type(self), "model"):
            raise ImproperlyConfigured(f"{type(self).__name__} sets no model")
        opts = self.model._meta
        return f"{opts.app_label}.change_{opts.model_name}"
